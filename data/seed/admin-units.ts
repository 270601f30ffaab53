// Writes the administrative units with their validity dates and lineage. Geometries are unions of
// grid cells (old units) and unions of old units (2025 wards), computed by PostGIS.
import { CITY_UNITS, EARLIER_UNITS, MERGER_2025_01, MERGER_2025_07, NOMINAL_START, NQ_1663, WARDS_2025 } from './admin.ts';
import { cornerRing } from './coverage.ts';
import { multiPolygonWkt } from './frame.ts';
import type { Layout } from './layout.ts';
import { geom, insertRows, type SeedQueryable } from './sql.ts';

type Row = [code: string, name: string, level: string, parent: number | null, from: string, to: string | null];

/** Writes every unit and lineage row; returns the id of each current (2025) ward by code. */
export async function writeAdminUnits(q: SeedQueryable, layout: Layout): Promise<Map<string, number>> {
  // The cells as polygons, tagged with their unit, earlier unit and hamlet.
  await q.exec(`CREATE TEMP TABLE seed_cells (unit text, earlier text, hamlet integer, geom geometry) ON COMMIT DROP`);
  const rows = layout.cells.map((cell) => [
    layout.units[cell.unit]!.code,
    cell.earlier ?? null,
    cell.hamlet,
    multiPolygonWkt([cornerRing(layout.grid, cell.r, cell.c)]),
  ]);
  for (let i = 0; i < rows.length; i += 2000) {
    await insertRows(
      q,
      'seed_cells',
      [{ name: 'unit', type: 'text' }, { name: 'earlier', type: 'text' }, { name: 'hamlet', type: 'integer' }, geom()],
      rows.slice(i, i + 2000),
    );
  }

  const add = async ([code, name, level, parent, from, to]: Row, geomSql: string, params: unknown[] = []): Promise<number> => {
    const { rows: out } = await q.query<{ id: number }>(
      `INSERT INTO admin_units (code, name, level, parent_id, valid_from, valid_to, geom)
       VALUES ($1, $2, $3, $4, $5, $6, ${geomSql}) RETURNING id`,
      [code, name, level, parent, from, to, ...params],
    );
    return out[0]!.id;
  };
  // Dissolve the cells once per (unit, earlier unit, hamlet); every unit is a union of a few of these pieces.
  await q.exec(
    `CREATE TEMP TABLE seed_pieces ON COMMIT DROP AS
     SELECT unit, earlier, hamlet, ST_Union(geom) AS geom FROM seed_cells WHERE unit NOT LIKE '9%' GROUP BY unit, earlier, hamlet`,
  );
  const union = (where: string) => `(SELECT ST_Multi(ST_Union(geom)) FROM seed_pieces WHERE ${where})`;
  const lineage = async (oldId: number, newId: number, kind: 'full' | 'partial', effective: string, basis: string | null) =>
    q.query(`INSERT INTO admin_lineage (old_id, new_id, kind, effective, legal_basis) VALUES ($1, $2, $3, $4, $5)`, [
      oldId,
      newId,
      kind,
      effective,
      basis,
    ]);

  const cityCodes = CITY_UNITS.map((u) => u.code);
  const dt87 = await add(['87', 'Tỉnh Đồng Tháp', 'province', null, NOMINAL_START, MERGER_2025_07], 'NULL');
  const tg82 = await add(['82', 'Tỉnh Tiền Giang', 'province', null, NOMINAL_START, MERGER_2025_07], 'NULL');
  const dt82 = await add(['82', 'Tỉnh Đồng Tháp', 'province', null, MERGER_2025_07, null], 'NULL');
  await lineage(dt87, dt82, 'full', MERGER_2025_07, 'Nghị quyết 60-NQ/TW');
  await lineage(tg82, dt82, 'full', MERGER_2025_07, 'Nghị quyết 60-NQ/TW');
  const city = await add(['866', 'Thành phố Cao Lãnh', 'city', dt87, NOMINAL_START, MERGER_2025_07], union('unit = ANY($7::text[])'), [
    cityCodes,
  ]);

  const unitIds = new Map<string, number>();
  for (const u of CITY_UNITS) {
    const level = u.urban ? 'ward' : 'commune';
    unitIds.set(u.code, await add([u.code, u.name, level, city, u.valid_from, MERGER_2025_07], union('unit = $7'), [u.code]));
  }
  // Merged on 01/01/2025; the legal basis of that round is not recorded here.
  for (const e of EARLIER_UNITS) {
    const id = await add(
      [e.code, e.name, e.urban ? 'ward' : 'commune', city, NOMINAL_START, MERGER_2025_01],
      union('unit = $7 AND earlier = $8'),
      [e.successor, e.code],
    );
    await lineage(id, unitIds.get(e.successor)!, 'full', MERGER_2025_01, null);
  }
  const wardIds = new Map<string, number>();
  for (const w of WARDS_2025) {
    const members = CITY_UNITS.filter((u) => u.ward === w.code).map((u) => unitIds.get(u.code)!);
    const id = await add(
      [w.code, w.name, 'ward', dt82, MERGER_2025_07, null],
      `(SELECT ST_Multi(ST_Union(geom)) FROM admin_units WHERE id = ANY($7::int[]))`,
      [members],
    );
    wardIds.set(w.code, id);
    for (const m of members) await lineage(m, id, 'full', MERGER_2025_07, NQ_1663);
    // The city's area went to three wards: a partial lineage, so "TP Cao Lãnh" resolves to all three.
    await lineage(city, id, 'partial', MERGER_2025_07, NQ_1663);
  }

  // Hamlets: one record under the old unit until 01/07/2025 and one under the ward after it.
  for (const u of CITY_UNITS) {
    const unit = layout.units.find((x) => x.code === u.code);
    if (!unit) continue;
    for (let h = 0; h < unit.hamlets.length; h++) {
      const code = `${u.code}-${String(h + 1).padStart(2, '0')}`;
      const before = await add(
        [code, unit.hamlets[h]!, 'hamlet', unitIds.get(u.code)!, u.valid_from, MERGER_2025_07],
        union('unit = $7 AND hamlet = $8'),
        [u.code, h],
      );
      const after = await add(
        [code, unit.hamlets[h]!, 'hamlet', wardIds.get(u.ward)!, MERGER_2025_07, null],
        '(SELECT geom FROM admin_units WHERE id = $7)',
        [before],
      );
      await lineage(before, after, 'full', MERGER_2025_07, NQ_1663);
    }
  }

  // Synthetic communes of province-scale runs: current units of the new province, clearly named as such.
  const synthetic = layout.units.filter((u) => u.synthetic);
  if (synthetic.length) {
    await q.query(
      `INSERT INTO admin_units (code, name, level, parent_id, valid_from, geom)
       SELECT unit, 'Xã Mô Phỏng ' || substr(unit, 2), 'commune', $1, $2, ST_Multi(ST_Union(geom))
       FROM seed_cells WHERE unit LIKE '9%' GROUP BY unit`,
      [dt82, MERGER_2025_07],
    );
  }
  return wardIds;
}
