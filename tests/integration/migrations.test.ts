import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { migrate, readMigrations } from '../../server/db/migrate.ts';
import { openEmptyTestDb } from '../helpers/test-db.ts';

// The schema as the catalog sees it: tables, columns with types, constraints, indexes, triggers.
async function schemaSnapshot(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(`
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS line
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL
    SELECT 'trigger ' || tgrelid::regclass::text || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    ORDER BY 1`);
  return rows.map((r) => r.line);
}

const square = (x: number, y: number, d = 0.001) => `POLYGON((${x} ${y},${x + d} ${y},${x + d} ${y + d},${x} ${y + d},${x} ${y}))`;

describe('migrations', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openEmptyTestDb();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('apply in order on an empty database and record every file', async () => {
    const files = await readMigrations();
    const applied = await migrate(db);
    expect(applied).toEqual(files.map((m) => m.name));
    const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.name)).toEqual(files.map((m) => m.name));
  });

  it('applied a second time change nothing', async () => {
    const before = await schemaSnapshot(db);
    expect(before.length).toBeGreaterThan(100);
    expect(await migrate(db)).toEqual([]);
    expect(await schemaSnapshot(db)).toEqual(before);
  });

  it('refuse to start when a landed migration was edited', async () => {
    const files = await readMigrations();
    const edited = files.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('upgrade a database that already holds one citizen ID on two farmers: no failed start, the unique index waits for the merge', async () => {
    const other = await openEmptyTestDb();
    try {
      const files = await readMigrations();
      const at = files.findIndex((m) => m.name.startsWith('024_'));
      expect(at).toBeGreaterThan(0);
      await migrate(other, files.slice(0, at));
      await other.exec(`
        INSERT INTO farmers (id, lookup_code, commune_code) VALUES (901, 'DUP-1', '29869'), (902, 'DUP-2', '29869');
        INSERT INTO farmer_private (farmer_id, full_name, citizen_id) VALUES (901, 'Lê Văn A', '087123456789'), (902, 'Lê Văn A', '087123456789');`);
      expect(await migrate(other, files)).toEqual(files.slice(at).map((m) => m.name));
      const index = async () =>
        (await other.query<{ n: number }>(`SELECT count(*)::int n FROM pg_indexes WHERE indexname = 'farmer_private_citizen_id_key'`))
          .rows[0]!.n;
      expect(await index()).toBe(0);
      // Merged by hand: the statement the warning gives makes the index.
      await other.exec(`DELETE FROM farmers WHERE id = 902;
        CREATE UNIQUE INDEX farmer_private_citizen_id_key ON farmer_private (citizen_id) WHERE citizen_id IS NOT NULL`);
      expect(await index()).toBe(1);
    } finally {
      await other.close();
    }
    // A database without shared IDs got the index from the migration itself.
    expect(
      (await db.query<{ n: number }>(`SELECT count(*)::int n FROM pg_indexes WHERE indexname = 'farmer_private_citizen_id_key'`)).rows[0]!
        .n,
    ).toBe(1);
  });

  it('run once when two servers start together (advisory lock)', async () => {
    // Both calls race for the lock; the loser sees everything applied and applies nothing.
    const [a, b] = await Promise.all([migrate(db), migrate(db)]);
    expect([...a, ...b]).toEqual([]);
  });
});

describe('schema constraints', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openEmptyTestDb();
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  const insertParcel = (sheet: number, parcel: number, wkt: string, srid = 4326) =>
    db.query(
      `INSERT INTO parcels (commune_code, commune_ref_date, sheet, parcel_no, land_use_code, geom)
       VALUES ('29890', '2025-03-01', $1, $2, 'LUC', ST_Multi(ST_GeomFromText($3, $4)))`,
      [sheet, parcel, wkt, srid],
    );

  it('accept a valid parcel', async () => {
    const r = await insertParcel(1, 1, square(105.6, 10.45));
    expect(r.rowCount).toBe(1);
  });

  it('reject a self-intersecting (bow-tie) geometry', async () => {
    await expect(insertParcel(1, 2, 'POLYGON((105.6 10.45,105.601 10.451,105.601 10.45,105.6 10.451,105.6 10.45))')).rejects.toThrow(
      /check constraint/,
    );
  });

  it('reject a geometry in another SRID', async () => {
    await expect(insertParcel(1, 3, 'POLYGON((580000 1155000,580100 1155000,580100 1155100,580000 1155000))', 3405)).rejects.toThrow(
      /SRID/,
    );
  });

  it('reject a duplicate (old commune, sheet, parcel)', async () => {
    await expect(insertParcel(1, 1, square(105.61, 10.45))).rejects.toThrow(/duplicate key|unique/);
  });

  it('accept the same sheet and parcel number in another old commune', async () => {
    const r = await db.query(
      `INSERT INTO parcels (commune_code, commune_ref_date, sheet, parcel_no, land_use_code, geom)
       VALUES ('29893', '2025-03-01', 1, 1, 'CLN', ST_Multi(ST_GeomFromText($1, 4326)))`,
      [square(105.62, 10.45)],
    );
    expect(r.rowCount).toBe(1);
  });

  it('reject an unknown land-use code', async () => {
    await expect(
      db.query(
        `INSERT INTO parcels (commune_code, commune_ref_date, sheet, parcel_no, land_use_code, geom)
         VALUES ('29890', '2025-03-01', 9, 9, 'XYZ', ST_Multi(ST_GeomFromText($1, 4326)))`,
        [square(105.63, 10.45)],
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('compute plot area geodesically (a 0.001° square at 10.45°N is about 12,100 m²)', async () => {
    await db.query(`INSERT INTO plots (commune_code, crop, geom) VALUES ('29869', 'mango', ST_GeomFromText($1, 4326))`, [
      square(105.6, 10.45),
    ]);
    const { rows } = await db.query<{ area_m2: number }>('SELECT area_m2 FROM plots');
    // 111.32 km × cos(10.45°) × 110.6 km per degree, to within 1 %.
    expect(rows[0]!.area_m2).toBeGreaterThan(12_000);
    expect(rows[0]!.area_m2).toBeLessThan(12_250);
  });

  it('log every change with before and after, and notify the tile cache after commit', async () => {
    const payloads: string[] = [];
    const stop = await db.listen('tile_changes', (p) => payloads.push(p));
    await db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('app.user_id', '7', true), set_config('app.origin', 'api', true)`);
      await tx.query(`UPDATE parcels SET land_use_code = 'CLN' WHERE commune_code = '29890' AND sheet = 1 AND parcel_no = 1`);
    });
    const { rows } = await db.query<{
      user_id: number;
      origin: string;
      action: string;
      before: { land_use_code: string };
      after: { land_use_code: string; geom: { type: string } };
    }>(`SELECT user_id, origin, action, before, after FROM edit_log WHERE collection = 'parcels' AND action = 'update'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      user_id: 7,
      origin: 'api',
      action: 'update',
      before: { land_use_code: 'LUC' },
      after: { land_use_code: 'CLN', geom: { type: 'MultiPolygon' } },
    });
    for (let i = 0; i < 50 && !payloads.some((p) => p.includes('"parcels"')); i++) await new Promise((r) => setTimeout(r, 20));
    await stop();
    const note = JSON.parse(payloads.find((p) => p.includes('"parcels"'))!) as { table: string; boxes: number[][] };
    expect(note.table).toBe('parcels');
    expect(note.boxes[0]![0]).toBeCloseTo(105.6, 6);
  });

  it('give every table whose version makes an ETag a trigger that bumps it, naming its stored generated columns', async () => {
    // A generated column the trigger does not name is NULL in NEW before the row is written: every
    // UPDATE of its table would look like a change and bump (migration 020).
    const { rows } = await db.query<{ table: string; generated: string[]; definition: string | null }>(`
      SELECT c.relname AS table,
             coalesce((SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                        WHERE a.attrelid = c.oid AND a.attgenerated = 's' AND NOT a.attisdropped), '{}') AS generated,
             (SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = c.relname || '_version') AS definition
      FROM pg_class c JOIN pg_attribute v ON v.attrelid = c.oid AND v.attname = 'version' AND NOT v.attisdropped
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
      ORDER BY 1`);
    expect(rows.map((r) => r.table)).toEqual([
      'farmers',
      'growing_areas',
      'landuse_areas',
      'parcels',
      'plots',
      'products',
      'users',
      'zoning_lots',
    ]);
    for (const r of rows) {
      const m = /BEFORE UPDATE ON \S+ FOR EACH ROW EXECUTE FUNCTION (bump_row_version(?:_only)?)\(([^)]*)\)$/.exec(r.definition ?? '');
      expect(m, `${r.table}: ${r.definition}`).not.toBeNull();
      const args = m![2]!
        .split(',')
        .map((a) => a.trim().replace(/^'(.*)'$/, '$1'))
        .filter(Boolean);
      expect(args, r.table).toEqual(r.generated);
    }
    expect(rows.find((r) => r.table === 'plots')?.generated).toEqual(['area_m2']);
  });

  it('bump a row’s version once for a writer that did not, never twice, and not for an UPDATE that changes nothing', async () => {
    const farmer = (await db.query<{ id: number }>(`INSERT INTO farmers (lookup_code, commune_code) VALUES ('MG-V', '29869') RETURNING id`))
      .rows[0]!.id;
    const area = (
      await db.query<{ id: number }>(
        `INSERT INTO growing_areas (lineage_id, scheme, name, crop, registrant_name, commune_code)
         VALUES (0, 'domestic-3156', 'Vùng thử phiên bản', 'mango', 'HTX Thử', '29869') RETURNING id`,
      )
    ).rows[0]!.id;
    const plot = (
      await db.query<{ id: number }>(
        `INSERT INTO plots (commune_code, crop, geom, updated_at) VALUES ('29869', 'mango', ST_GeomFromText($1, 4326), '2020-01-01') RETURNING id`,
        [square(105.7, 10.5)],
      )
    ).rows[0]!.id;
    type Row = { version: number; updated_at: string | null; area_m2: number | null };
    const read = async (table: string, id: number): Promise<Row> =>
      (
        await db.query<Row>(
          `SELECT version, ${table === 'farmers' ? 'NULL' : 'updated_at::text'} AS updated_at,
                  ${table === 'farmers' ? 'NULL' : 'area_m2'} AS area_m2 FROM ${table} WHERE id = $1`,
          [id],
        )
      ).rows[0]!;

    // A direct edit (a QGIS user, a DBA): +1, and updated_at stamped with it.
    const p0 = await read('plots', plot);
    await db.query(`UPDATE plots SET variety = 'Cát Chu' WHERE id = $1`, [plot]);
    const p1 = await read('plots', plot);
    expect(p1.version).toBe(p0.version + 1);
    expect(p1.updated_at).not.toBe(p0.updated_at);
    // Nothing changed (the generated area_m2 included: it is not compared while NULL in NEW): no bump.
    await db.query(`UPDATE plots SET variety = variety, geom = geom WHERE id = $1`, [plot]);
    expect(await read('plots', plot)).toEqual(p1);
    // The application's own bump is taken as it is: +1, not +2; an updated_at the writer set is kept.
    await db.query(`UPDATE plots SET variety = 'Hòa Lộc', version = version + 1 WHERE id = $1`, [plot]);
    expect((await read('plots', plot)).version).toBe(p1.version + 1);
    await db.query(`UPDATE plots SET updated_at = '2021-06-01' WHERE id = $1`, [plot]);
    expect((await read('plots', plot)).version).toBe(p1.version + 2);
    const kept = await db.query<{ kept: boolean }>(`SELECT updated_at = '2021-06-01'::timestamptz AS kept FROM plots WHERE id = $1`, [
      plot,
    ]);
    expect(kept.rows[0]!.kept).toBe(true);
    // A reshape moves the version (area_m2 follows the geometry).
    await db.query(`UPDATE plots SET geom = ST_Translate(geom, 0.0001, 0) WHERE id = $1`, [plot]);
    expect((await read('plots', plot)).version).toBe(p1.version + 3);

    // A farmer has no updated_at: the version alone.
    await db.query(`UPDATE farmers SET hamlet = 'Ấp Mỹ' WHERE id = $1`, [farmer]);
    await db.query(`UPDATE farmers SET hamlet = hamlet WHERE id = $1`, [farmer]);
    expect((await read('farmers', farmer)).version).toBe(2);

    // A plot joining the area reshapes it through refresh_growing_area: the area's version moves;
    // a refresh that finds the same shape moves nothing.
    const a0 = await read('growing_areas', area);
    await db.query(`UPDATE plots SET growing_area_id = $1 WHERE id = $2`, [area, plot]);
    const a1 = await read('growing_areas', area);
    expect(a1.version).toBe(a0.version + 1);
    expect(a1.area_m2).toBeGreaterThan(12_000);
    await db.query(`SELECT refresh_growing_area($1)`, [area]);
    expect(await read('growing_areas', area)).toEqual(a1);
  });

  it('keep land-use colours as data, with legacy codes inheriting their current code', async () => {
    const { rows } = await db.query<{ luc: string; bhk: string; dmt: string; maps: string }>(
      `SELECT land_use_fill('LUC') AS luc, land_use_fill('BHK') AS bhk, land_use_fill('DMT') AS dmt,
              (SELECT maps_to FROM land_use_codes WHERE code = 'LNQ') AS maps`,
    );
    expect(rows[0]).toEqual({ luc: '#FFFC8C', bhk: '#FFF0B4', dmt: '#FFA0AA', maps: 'CLN' });
  });
});
