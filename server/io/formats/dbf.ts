import fs from 'node:fs';
import { AppError } from '../../plugins/errors.ts';
import { decodeText, encodeText, type TextEncoding } from '../encoding.ts';

/** One column of a dBASE III table as a shapefile carries it. */
export type DbfField = { name: Uint8Array; type: string; length: number; decimals: number; offset: number };

/** An open .dbf: header facts, and its records as raw bytes (decoding waits until the encoding is known). */
export type DbfReader = {
  fields: DbfField[];
  count: number;
  /** The records in order, each the raw bytes of one row (without the deletion flag byte). */
  records(): AsyncGenerator<Uint8Array>;
  /** Up to n text values (raw bytes) from the first rows, for encoding detection. */
  sampleText(n: number): Promise<Uint8Array[]>;
  close(): Promise<void>;
};

const CHUNK = 1 << 20;

/** Opens a .dbf file and checks its header against its size (a truncated table is refused, not half-read). */
export async function openDbf(file: string, label: string): Promise<DbfReader> {
  const handle = await fs.promises.open(file, 'r');
  const size = (await handle.stat()).size;
  const head = Buffer.alloc(32);
  await handle.read(head, 0, 32, 0);
  const count = head.readUInt32LE(4);
  const headerLength = head.readUInt16LE(8);
  const recordLength = head.readUInt16LE(10);
  if (size < 32 || headerLength < 33 || recordLength < 1 || headerLength > size) {
    await handle.close();
    throw new AppError('BAD_FILE', `${label} is not a dBASE table (header damaged).`);
  }
  if (headerLength + count * recordLength > size) {
    await handle.close();
    throw new AppError(
      'BAD_FILE',
      `${label} is truncated: its header announces ${count} rows (${headerLength + count * recordLength} bytes) but the file has ${size} bytes.`,
    );
  }
  const header = Buffer.alloc(headerLength);
  await handle.read(header, 0, headerLength, 0);
  const fields: DbfField[] = [];
  let offset = 1; // byte 0 of a record is the deletion flag
  for (let p = 32; p + 32 <= headerLength && header[p] !== 0x0d; p += 32) {
    const raw = header.subarray(p, p + 11);
    const end = raw.indexOf(0);
    const length = header[p + 16]!;
    fields.push({
      name: raw.subarray(0, end < 0 ? 11 : end),
      type: String.fromCharCode(header[p + 11]!),
      length,
      decimals: header[p + 17]!,
      offset,
    });
    offset += length;
  }
  async function* records(): AsyncGenerator<Uint8Array> {
    const perChunk = Math.max(1, Math.floor(CHUNK / recordLength));
    const buf = Buffer.alloc(perChunk * recordLength);
    for (let i = 0; i < count; i += perChunk) {
      const n = Math.min(perChunk, count - i);
      const { bytesRead } = await handle.read(buf, 0, n * recordLength, headerLength + i * recordLength);
      for (let r = 0; r * recordLength < bytesRead; r++) {
        const rec = buf.subarray(r * recordLength, (r + 1) * recordLength);
        // Deleted rows ('*') still count in the .shp sequence, so they are yielded as empty rows' bytes.
        yield Uint8Array.from(rec);
      }
    }
  }
  return {
    fields,
    count,
    records,
    async sampleText(n) {
      const out: Uint8Array[] = [];
      const textFields = fields.filter((f) => f.type === 'C');
      if (textFields.length === 0) return out;
      for await (const rec of records()) {
        for (const f of textFields) out.push(trimBytes(rec.subarray(f.offset, f.offset + f.length)));
        if (out.length >= n) break;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

function trimBytes(b: Uint8Array): Uint8Array {
  let start = 0;
  let end = b.length;
  while (start < end && (b[start] === 0x20 || b[start] === 0)) start++;
  while (end > start && (b[end - 1] === 0x20 || b[end - 1] === 0)) end--;
  return b.subarray(start, end);
}

/** Decodes one record's bytes into properties: text in the given encoding, numbers, dates 'YYYY-MM-DD', booleans. */
export function decodeRecord(
  rec: Uint8Array,
  fields: readonly DbfField[],
  names: readonly string[],
  encoding: TextEncoding,
): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    const raw = trimBytes(rec.subarray(f.offset, f.offset + f.length));
    const name = names[i]!;
    if (raw.length === 0) {
      props[name] = null;
      return;
    }
    switch (f.type) {
      case 'N':
      case 'F': {
        const text = Buffer.from(raw).toString('latin1');
        const n = Number(text);
        props[name] = /^\*+$/.test(text) || !Number.isFinite(n) ? null : n;
        break;
      }
      case 'L':
        props[name] = /^[YyTt]$/.test(String.fromCharCode(raw[0]!)) ? true : /^[NnFf]$/.test(String.fromCharCode(raw[0]!)) ? false : null;
        break;
      case 'D': {
        const t = Buffer.from(raw).toString('latin1');
        props[name] = /^\d{8}$/.test(t) ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}` : null;
        break;
      }
      default:
        props[name] = decodeText(raw, encoding);
    }
  });
  return props;
}

/** A column to write: values are strings, numbers, booleans, 'YYYY-MM-DD' dates or null. */
export type DbfColumn = { name: string; type: 'C' | 'N' | 'L' | 'D'; length: number; decimals: number };

/** Short, unique dBASE names (10 ASCII characters) for long column names, in order. */
export function dbfNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const base =
      n
        .normalize('NFD')
        .replace(/[^\x20-\x7e]/g, '')
        .replace(/[^A-Za-z0-9_]/g, '_')
        .slice(0, 10) || 'field';
    let candidate = base;
    for (let i = 1; out.includes(candidate); i++) candidate = `${base.slice(0, 10 - String(i).length)}${i}`;
    out.push(candidate);
  }
  return out;
}

/** Writes a dBASE III table (text in UTF-8, declared by a .cpg) row by row to a file. */
export class DbfWriter {
  private readonly recordLength: number;
  private count = 0;
  private constructor(
    private readonly handle: fs.promises.FileHandle,
    private readonly columns: readonly DbfColumn[],
    private readonly headerLength: number,
    private readonly encoding: TextEncoding,
  ) {
    this.recordLength = 1 + columns.reduce((s, c) => s + c.length, 0);
  }

  /** Creates the file and reserves its header; close() writes the final row count. Text is UTF-8 unless told (legacy fixtures). */
  static async create(file: string, columns: readonly DbfColumn[], encoding: TextEncoding = 'utf-8'): Promise<DbfWriter> {
    const handle = await fs.promises.open(file, 'w');
    const headerLength = 32 + 32 * columns.length + 1;
    const w = new DbfWriter(handle, columns, headerLength, encoding);
    await handle.write(w.header(), 0, headerLength, 0);
    return w;
  }

  private header(): Buffer {
    const h = Buffer.alloc(this.headerLength);
    const now = new Date();
    h[0] = 0x03;
    h[1] = now.getUTCFullYear() - 1900;
    h[2] = now.getUTCMonth() + 1;
    h[3] = now.getUTCDate();
    h.writeUInt32LE(this.count, 4);
    h.writeUInt16LE(this.headerLength, 8);
    h.writeUInt16LE(this.recordLength, 10);
    h[29] = 0x00; // no language driver: the .cpg says UTF-8
    this.columns.forEach((c, i) => {
      const p = 32 + 32 * i;
      h.write(c.name.slice(0, 10), p, 'latin1');
      h[p + 11] = c.type.charCodeAt(0);
      h[p + 16] = c.length;
      h[p + 17] = c.decimals;
    });
    h[this.headerLength - 1] = 0x0d;
    return h;
  }

  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Appends one row; values in column order. */
  async write(values: readonly unknown[]): Promise<void> {
    const rec = Buffer.alloc(this.recordLength, 0x20);
    let p = 1;
    this.columns.forEach((c, i) => {
      const v = values[i];
      let bytes: Buffer | undefined;
      if (v !== null && v !== undefined && v !== '') {
        if (c.type === 'N') {
          const s = typeof v === 'number' ? (c.decimals > 0 ? v.toFixed(c.decimals) : String(Math.round(v))) : String(v);
          bytes = Buffer.from(s.length > c.length ? '*'.repeat(c.length) : s.padStart(c.length, ' '), 'latin1');
        } else if (c.type === 'L') bytes = Buffer.from(v ? 'T' : 'F', 'latin1');
        else if (c.type === 'D') bytes = Buffer.from(String(v).replace(/-/g, '').slice(0, 8), 'latin1');
        else
          bytes = this.encoding === 'utf-8' ? truncateUtf8(encodeText(String(v), 'utf-8'), c.length) : encodeText(String(v), this.encoding);
      }
      if (bytes) bytes.copy(rec, p, 0, Math.min(bytes.length, c.length));
      p += c.length;
    });
    this.pending.push(rec);
    this.pendingBytes += rec.length;
    this.count++;
    if (this.pendingBytes > CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buf = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(buf, 0, buf.length, this.headerLength + (this.count - buf.length / this.recordLength) * this.recordLength);
  }

  /** Writes the end-of-file mark and the row count. */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.write(Buffer.from([0x1a]), 0, 1, this.headerLength + this.count * this.recordLength);
    await this.handle.write(this.header(), 0, this.headerLength, 0);
    await this.handle.close();
  }
}

// Cuts at a character boundary so a long Vietnamese text never ends in half a letter.
function truncateUtf8(b: Buffer, max: number): Buffer {
  if (b.length <= max) return b;
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}
