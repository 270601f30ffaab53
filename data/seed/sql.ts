// Bulk inserts: one statement per batch with one array parameter per column (unnest), which both
// pg and PGlite pass efficiently, instead of thousands of positional parameters.

/** What the generator needs of a connection or transaction. */
export interface SeedQueryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  exec(sql: string): Promise<void>;
}

/** A column of a bulk insert: its SQL element type and, where the stored value needs converting, the expression. */
export type Column = { name: string; type: string; expr?: (x: string) => string };

/** Columns whose value is WKT in EPSG:4326. */
export const geom = (name = 'geom'): Column => ({ name, type: 'text', expr: (x) => `ST_GeomFromText(${x}, 4326)` });

/** Columns whose value is WKB (a Buffer) in EPSG:4326. */
export const geomWkb = (name = 'geom'): Column => ({ name, type: 'bytea', expr: (x) => `ST_GeomFromWKB(${x}, 4326)` });

/**
 * Runs fn with the plain secondary indexes of the tables dropped and rebuilds them after: building a
 * GiST or expression index once is several times faster than updating it row by row. Definitions are
 * read from the catalogue, so they stay whatever the migrations made them.
 */
export async function withIndexesDeferred<T>(q: SeedQueryable, tables: readonly string[], fn: () => Promise<T>): Promise<T> {
  const { rows } = await q.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i
     WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
     ORDER BY 1`,
    [tables],
  );
  for (const r of rows) await q.exec(`DROP INDEX ${r.name}`);
  const result = await fn();
  for (const r of rows) await q.exec(r.def);
  return result;
}

/** The time stamped on generated rows instead of now(), so that the same seed gives the same rows. */
export const STAMP = { updated_at: `'2025-06-30T17:00:00Z'::timestamptz` } as const;
export const CREATED = { created_at: `'2025-06-30T17:00:00Z'::timestamptz` } as const;

/** Inserts rows (arrays in column order) into table with one unnest statement; `fixed` gives columns a constant SQL value. */
export async function insertRows(
  q: SeedQueryable,
  table: string,
  columns: readonly Column[],
  rows: readonly (readonly unknown[])[],
  fixed: Readonly<Record<string, string>> = {},
): Promise<void> {
  if (!rows.length) return;
  const params = columns.map((_, i) => rows.map((row) => row[i] ?? null));
  const names = columns.map((c) => c.name);
  const select = columns.map((c) => (c.expr ? c.expr(`x.${c.name}`) : `x.${c.name}`));
  await q.query(
    `INSERT INTO ${table} (${[...names, ...Object.keys(fixed)].join(', ')}) SELECT ${[...select, ...Object.values(fixed)].join(', ')} FROM unnest(${columns
      .map((c, i) => `$${i + 1}::${c.type}[]`)
      .join(', ')}) AS x(${names.join(', ')})`,
    params,
  );
}

/** Collects rows and writes them in batches of `size`, so memory stays bounded at province scale. */
export class BatchWriter {
  private rows: unknown[][] = [];
  written = 0;

  constructor(
    private readonly q: SeedQueryable,
    private readonly table: string,
    private readonly columns: readonly Column[],
    private readonly size = 1000,
    /** A writer whose rows these rows reference: flushed first, so foreign keys hold. */
    private readonly after?: BatchWriter,
    private readonly fixed: Readonly<Record<string, string>> = {},
  ) {}

  async push(row: unknown[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.size) await this.flush();
  }

  async flush(): Promise<void> {
    await this.after?.flush();
    const rows = this.rows;
    this.rows = [];
    await insertRows(this.q, this.table, this.columns, rows, this.fixed);
    this.written += rows.length;
  }
}
