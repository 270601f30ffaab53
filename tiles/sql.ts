// Quoting for the SQL the catalog assembles at start-up. Only configuration passes through here
// (source ids, table and column names); request values are always bound as parameters.

/** Quotes an identifier the way PostgreSQL's quote_ident does, always with double quotes. */
export function ident(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL byte');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a possibly schema-qualified table name: "schema"."table". */
export function qualified(name: string): string {
  return name.split('.').map(ident).join('.');
}

/** A string literal, for names that SQL needs as text (ST_AsMVT's layer name). */
export function literal(value: string): string {
  if (value.includes('\0')) throw new Error('literal contains a NUL byte');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A finite number as SQL text; constants such as tolerances are computed from config, not input. */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  // Exponent notation (1e-7) is valid SQL; keep full precision.
  return String(n);
}
