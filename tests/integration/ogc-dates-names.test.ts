// Values no real record has, written through the features API (the plot editor's path): a plot
// planted after today in Vietnam (2030-01-01) or before 1900 — by POST, PATCH or PUT — and a name with
// an emoji for a growing area or a product's producer. Each is refused with 422 whose reason names the
// `property` and its `rule` (date-in-future, date-too-early, name-pictograph, name-no-letter), and
// nothing is written; the expected harvest may lie ahead.
import { describe, expect, it } from 'vitest';
import { vietnamToday } from '../../server/domain/vietnam-time.ts';
import { ORIGIN, WARD_A, openFeaturesFixture, square } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';

const fx = openForFile(openFeaturesFixture);
const [X, Y] = ORIGIN;
const GEO = { 'content-type': 'application/geo+json' };
const MERGE = { 'content-type': 'application/merge-patch+json' };
const ITEMS = '/ogc/collections/plots/items';
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
let slot = 0;

/** A plot of ward A on a spot of its own (0.0004° squares, 0.0006° apart along a row of the ward's north). */
function plotFeature(properties: Record<string, unknown>) {
  const k = slot++;
  return {
    type: 'Feature',
    geometry: square(X + 0.0005 + (k % 14) * 0.0006, Y + 0.008 + Math.floor(k / 14) * 0.0006, 0.0004),
    properties: { crop: 'rice', ...properties },
  };
}

const count = async (table: string) => (await fx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

type Reason = { code: string; property?: string; rule?: string; today?: string; earliest?: string; message: string };
const reasonsOf = (body: string) => (JSON.parse(body) as { reasons: Reason[] }).reasons;
const officer = (extra: Record<string, string>) => fx.as('officer', extra);

describe('a plot’s planting date through the features API', () => {
  it('refuses a new plot planted after today in Vietnam or before 1900, naming planting_date; no plot written', async () => {
    const today = vietnamToday();
    const before = await count('plots');
    const log = await count('edit_log');
    for (const [planted, rule] of [
      ['2030-01-01', 'date-in-future'],
      [addDays(today, 1), 'date-in-future'],
      ['1899-12-31', 'date-too-early'],
      ['0201-05-03', 'date-too-early'],
    ] as const) {
      const res = await fx.app.inject({
        method: 'POST',
        url: ITEMS,
        headers: officer(GEO),
        payload: plotFeature({ planting_date: planted }),
      });
      expect(res.statusCode, `${planted}: ${res.body}`).toBe(422);
      const reasons = reasonsOf(res.body);
      expect(reasons, planted).toEqual([expect.objectContaining({ code: 'INVALID_PROPERTY', property: 'planting_date', rule })]);
      if (rule === 'date-in-future') expect(reasons[0]!.today).toBe(today);
      else expect(reasons[0]!.earliest).toBe('1900-01-01');
    }
    expect(await count('plots')).toBe(before);
    expect(await count('edit_log')).toBe(log);
  });

  it('takes a plot planted today with its harvest years ahead, and still refuses a harvest before the planting', async () => {
    const today = vietnamToday();
    const ok = await fx.app.inject({
      method: 'POST',
      url: ITEMS,
      headers: officer(GEO),
      payload: plotFeature({ planting_date: today, expected_harvest: '2030-01-01' }),
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const stored = await fx.db.query<{ planting_date: string; expected_harvest: string }>(
      `SELECT to_char(planting_date, 'YYYY-MM-DD') AS planting_date, to_char(expected_harvest, 'YYYY-MM-DD') AS expected_harvest FROM plots WHERE id = $1`,
      [ok.json().id],
    );
    expect(stored.rows[0]).toEqual({ planting_date: today, expected_harvest: '2030-01-01' });
    const backwards = await fx.app.inject({
      method: 'POST',
      url: ITEMS,
      headers: officer(GEO),
      payload: plotFeature({ planting_date: '2025-06-01', expected_harvest: '2025-05-01' }),
    });
    expect(backwards.statusCode).toBe(422);
    expect(reasonsOf(backwards.body)).toEqual([expect.objectContaining({ property: 'expected_harvest' })]);
  });

  it('refuses a PATCH or a PUT moving a stored plot’s planting date into the future; the row and its version stay', async () => {
    const created = await fx.app.inject({
      method: 'POST',
      url: ITEMS,
      headers: officer(GEO),
      payload: plotFeature({ planting_date: '2025-03-15', variety: 'Cải ngọt' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const etag = created.headers.etag as string;
    const row = async () => (await fx.db.query<{ row: string }>(`SELECT (p.*)::text AS row FROM plots p WHERE id = $1`, [id])).rows[0]!.row;
    const before = await row();
    const patch = await fx.app.inject({
      method: 'PATCH',
      url: `${ITEMS}/${id}`,
      headers: officer({ ...MERGE, 'if-match': etag }),
      payload: { properties: { planting_date: '2030-01-01' } },
    });
    expect(patch.statusCode, patch.body).toBe(422);
    expect(reasonsOf(patch.body)).toEqual([expect.objectContaining({ property: 'planting_date', rule: 'date-in-future' })]);
    const put = await fx.app.inject({
      method: 'PUT',
      url: `${ITEMS}/${id}`,
      headers: officer({ ...GEO, 'if-match': etag }),
      payload: { ...(created.json() as Record<string, unknown>), properties: { crop: 'rice', planting_date: '1850-01-01' } },
    });
    expect(put.statusCode, put.body).toBe(422);
    expect(reasonsOf(put.body)).toEqual([expect.objectContaining({ property: 'planting_date', rule: 'date-too-early' })]);
    expect(await row()).toBe(before);
    // The same plot takes a real date.
    const fixed = await fx.app.inject({
      method: 'PATCH',
      url: `${ITEMS}/${id}`,
      headers: officer({ ...MERGE, 'if-match': etag }),
      payload: { properties: { planting_date: '2025-04-01' } },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json().properties.planting_date).toBe('2025-04-01');
  });
});

describe('names through the features API', () => {
  it('refuses an emoji in a name written through the features API (growing area, product producer); nothing written', async () => {
    const areas = await count('growing_areas');
    const area = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/growing_areas/items',
      headers: officer(GEO),
      payload: {
        type: 'Feature',
        geometry: null,
        properties: { scheme: 'domestic-3156', name: 'HTX 🙂', crop: 'vegetable', registrant_name: '🙂🙂', commune_code: WARD_A },
      },
    });
    expect(area.statusCode, area.body).toBe(422);
    expect(reasonsOf(area.body)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ property: 'name', rule: 'name-pictograph' }),
        expect.objectContaining({ property: 'registrant_name', rule: 'name-no-letter' }),
      ]),
    );
    expect(await count('growing_areas')).toBe(areas);
    const products = await count('products');
    const product = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/products/items',
      headers: officer(GEO),
      payload: {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [X + 0.002, Y + 0.002] },
        properties: { producer_kind: 'cooperative', producer_name: 'HTX Xoài 🥭', product: 'Xoài Cát Chu', category: 'fruit' },
      },
    });
    expect(product.statusCode, product.body).toBe(422);
    expect(reasonsOf(product.body)).toEqual([expect.objectContaining({ property: 'producer_name', rule: 'name-pictograph' })]);
    expect(await count('products')).toBe(products);
  });
});
