/**
 * The KML inside a KMZ, read in the browser for the editor's "Mở tệp": a KMZ (Google Earth's, My
 * Maps' and most field apps' default) is a zip of doc.kml and the images its styles use. The zip's
 * central directory is read by hand and the one entry inflated with the browser's own
 * DecompressionStream('deflate-raw'): no zip library in the bundle for one file.
 */

/** A plot boundary file is a few KB; a KML larger than this inflated is refused (a zip bomb would be gigabytes). */
export const KMZ_MAX_KML_BYTES = 20 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

/** Why a KMZ could not be read, in words the editor shows after "Không mở được tệp:". */
export class KmzError extends Error {
  override name = 'KmzError';
}

type Entry = { name: string; method: number; compressedSize: number; size: number; localOffset: number };

function entries(bytes: Uint8Array): Entry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: within the last 64 KB + 22 bytes (its comment is at most 64 KB).
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new KmzError('not a KMZ (zip) file');
  const count = view.getUint16(end + 10, true);
  if (count > MAX_ENTRIES) throw new KmzError('too many files in the KMZ');
  let at = view.getUint32(end + 16, true);
  const found: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new KmzError('the KMZ is damaged');
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true);
    const comment = view.getUint16(at + 32, true);
    found.push({
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    });
    at += 46 + nameLength + extra + comment;
  }
  return found;
}

/** Inflates one entry, stopping past the limit whatever its header declared. */
async function inflate(bytes: Uint8Array, entry: Entry): Promise<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw new KmzError('the KMZ is damaged');
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method !== 8) throw new KmzError('the KMZ uses a compression this page cannot read');
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw new KmzError('the KMZ is damaged');
    });
    if (done) break;
    total += value.length;
    if (total > KMZ_MAX_KML_BYTES) {
      await reader.cancel();
      throw new KmzError('the KML in the KMZ is too large');
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The text of a KMZ's doc.kml (else its first .kml). */
export async function kmlOfKmz(bytes: Uint8Array): Promise<string> {
  const kmls = entries(bytes).filter((e) => /\.kml$/i.test(e.name) && !e.name.includes('__MACOSX'));
  const doc = kmls.find((e) => /(^|\/)doc\.kml$/i.test(e.name)) ?? kmls[0];
  if (!doc) throw new KmzError('the KMZ holds no .kml');
  if (doc.size > KMZ_MAX_KML_BYTES) throw new KmzError('the KML in the KMZ is too large');
  return new TextDecoder().decode(await inflate(bytes, doc));
}
