// 10,000 hostile requests against /ogc (malformed bbox, negative or huge limits, injected filters,
// unknown properties, path tricks, oversized bodies, invalid GeoJSON, bad preconditions): every
// answer is a 4xx problem (or a harmless 200 for a read), never a 5xx, and the data does not change.

import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ORIGIN, openFeaturesFixture, square, type FeaturesFixture } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';

const fx = openForFile(openFeaturesFixture);
const TOTAL = 10_000;
const COLLECTIONS = ['parcels', 'landuse', 'zones', 'products', 'growing_areas', 'plots', 'admin'];

// A small deterministic PRNG (mulberry32) so a failure can be replayed.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function checksum(fx: FeaturesFixture): Promise<string> {
  const tables = [
    'parcels',
    'parcel_owners',
    'landuse_areas',
    'zoning_lots',
    'products',
    'growing_areas',
    'plots',
    'admin_units',
    'farmers',
    'farmer_private',
    'users',
  ];
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await fx.db.query<{ n: number; h: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${table} t`,
    );
    parts.push(`${table}:${rows[0]?.n}:${rows[0]?.h}`);
  }
  const log = await fx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM edit_log');
  parts.push(`edit_log:${log.rows[0]?.n}`);
  return parts.join('\n');
}

const [X, Y] = ORIGIN;

describe('hostile requests', () => {
  it(`${TOTAL} of them: zero 5xx, only problem documents for errors, and no change in the database`, async () => {
    const before = await checksum(fx);
    const random = prng(20260701);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const int = (n: number) => Math.floor(random() * n);
    const junk = () => {
      const alphabet = 'abcXYZ019 ,.;:\'"()[]{}<>=!%_*\\/-+#$&|^~`\u0000\u00e1\u1ea1\u0111\ud83d\ude00';
      const symbols = Array.from(alphabet); // whole code points: no lone surrogates
      let s = '';
      for (let i = int(40); i > 0; i--) s += symbols[int(symbols.length)];
      return s;
    };
    const number = () =>
      pick([
        'NaN',
        'Infinity',
        '-Infinity',
        '1e999',
        '-1e999',
        '0x10',
        '',
        ' ',
        '1,5',
        String(random() * 400 - 200),
        '99999999999999999999999',
        '-0',
        '1e-400',
      ]);
    const bbox = () =>
      pick([
        () => Array.from({ length: pick([0, 1, 3, 5, 7, 8]) }, number).join(','),
        () => [number(), number(), number(), number()].join(','),
        () => `${X},${Y + 1},${X + 1},${Y}`, // south above north
        () => '181,0,182,1',
        () => '0,-91,1,0',
        () => junk(),
        () => ',,,',
      ])();
    const limit = () => pick(['-1', '0', '-99999999999', '1.5', 'abc', '1e3', '99999999999999999999999999999', '', '0x10', '+-1', junk()]);
    const filters = [
      "crop = 'x'; DROP TABLE plots; --",
      "crop = 'x' OR '1'='1'",
      "crop = 'x'' OR 1=1 --'",
      '1=1',
      'crop = crop; SELECT pg_sleep(10)',
      'pg_sleep(10) = 1',
      "crop LIKE 'abc\\'",
      'crop IN ()',
      `crop IN (${Array.from({ length: 2000 }, () => "'a'").join(',')})`,
      '('.repeat(500) + "crop = 'a'" + ')'.repeat(500),
      'NOT '.repeat(1000) + "crop = 'a'",
      'S_INTERSECTS(geometry, POLYGON((0 0, 1 1, 1 0, 0 1, 0 0)))',
      'S_INTERSECTS(geometry, POINT(999 999))',
      'S_INTERSECTS(geometry, BBOX(1,2))',
      'S_INTERSECTS(crop, POINT(1 2))',
      "password_hash = 'x'",
      "farmer_name = 'Nguyễn'",
      '"crop" = \'x\u0000\'',
      "crop = 'x' AND",
      "DATE('2024-02-30') = planting_date",
      "updated_at > TIMESTAMP('2025-13-45T99:99:99Z')",
      'area_m2 > 1e308 * 10',
      'area_m2 BETWEEN 1 AND',
      "CASEI(area_m2) = 'a'",
      'geometry = 1',
      'x'.repeat(25_000),
    ];
    const filter = () => (random() < 0.3 ? junk() : pick(filters));
    const datetime = () => pick(['2024-02-30', 'yesterday', '../..', '2025-01-01/2024-01-01', '2024-01-01T25:00:00Z', '/', '', junk()]);
    const collection = () =>
      random() < 0.85 ? pick(COLLECTIONS) : pick(['nope', '..%2F..%2Fetc%2Fpasswd', 'plots%00', "plots'--", '%2e%2e', 'a'.repeat(300)]);
    const featureId = () =>
      pick(['0', '-1', '1.5', 'abc', '1e5', '99999999999999999999', "1'--", '%00', '..%2F', String(fx.ids.plotA), String(fx.ids.parcelA)]);
    const qs = (params: Record<string, string>) =>
      Object.entries(params)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&');

    const plotUrl = `/ogc/collections/plots/items/${fx.ids.plotA}`;
    const current = await fx.app.inject({ url: plotUrl, headers: fx.as('admin') });
    const etag = current.headers.etag as string;
    const big = 'x'.repeat(6 * 1024 * 1024);
    const invalidGeometries = [
      null,
      1,
      'POLYGON((0 0,1 0,1 1,0 0))',
      { type: 'Polygon' },
      { type: 'Polygon', coordinates: [] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [X, Y],
            [X + 1, Y + 1],
            [X + 1, Y],
            [X, Y + 1],
            [X, Y],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            ['a', 'b'],
            [1, 1],
            [1, 0],
            ['a', 'b'],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [X, Y],
            [X, 200],
            [X + 1, Y],
            [X, Y],
          ],
        ],
      },
      {
        type: 'LineString',
        coordinates: [
          [X, Y],
          [X + 1, Y],
        ],
      },
      { type: 'GeometryCollection', geometries: [] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [X, Y, 1, 2, 3],
            [X + 1, Y],
            [X, Y + 1],
            [X, Y],
          ],
        ],
      },
      { type: 'Polygon', coordinates: 'nope' },
      {
        type: 'Polygon',
        coordinates: [
          [
            [X, Y],
            [X + 0.0001, Y],
            [X + 0.0001, Y + 0.0001],
            [X, Y + 0.0001],
          ],
        ],
      }, // not closed
    ];
    // Always invalid: unknown property, or a wrong type, or a bad geometry, so nothing may be written.
    const badFeature = () =>
      pick([
        // As a merge patch, {"type": "Polygon"} merges into the stored geometry: the crop must be wrong too.
        () => ({ type: 'Feature', geometry: pick(invalidGeometries), properties: { crop: 'no-such-crop' } }),
        () => ({ type: 'Feature', geometry: square(X + 0.0002, Y + 0.0002, 0.0001), properties: { crop: 'rice', [junk() || 'x']: 1 } }),
        () => ({
          type: 'Feature',
          geometry: square(X + 0.0002, Y + 0.0002, 0.0001),
          properties: { crop: pick([1, true, [], {}, 'x'.repeat(5000)]) },
        }),
        () => ({
          type: 'Feature',
          geometry: square(X + 0.0002, Y + 0.0002, 0.0001),
          properties: { crop: 'rice', planting_date: pick(['2024-02-30', 'today', 20240101]) },
        }),
        () => ({ type: 'FeatureCollection', features: [] }),
        () => pick([null, 1, 'x', [], {}]),
        () => ({ type: 'Feature', geometry: square(X + 0.0002, Y + 0.0002, 0.0001), properties: 'x' }),
      ])();

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const kind = int(100);
      let request: InjectOptions & { url: string };
      if (kind < 55) {
        const params: Record<string, string> = {};
        const n = 1 + int(3);
        for (let k = 0; k < n; k++) {
          const which = int(7);
          if (which === 0) params.bbox = bbox();
          else if (which === 1) params.limit = limit();
          else if (which === 2) params.offset = pick(['-5', '1e9', 'abc', '999999999999', junk()]);
          else if (which === 3) params.filter = filter();
          else if (which === 4) params.datetime = datetime();
          else if (which === 5)
            params[pick(['colour', 'owner_name', 'password_hash', '__proto__', 'farmer_phone', junk() || 'q'])] = junk();
          else
            params[pick(['crop', 'sheet', 'planting_date', 'code', 'area_m2'])] = pick([junk(), '1e999', 'NaN', "'; DROP TABLE plots; --"]);
        }
        request = { url: `/ogc/collections/${collection()}/items?${qs(params)}` };
      } else if (kind < 62) {
        request = { url: `/ogc/collections/${collection()}/items/${featureId()}${pick(['', '/history', '/../../..', '?f=xml'])}` };
      } else if (kind < 67) {
        request = {
          url: `/ogc/collections/plots/items?limit=1`,
          headers: { authorization: pick(['Bearer ', 'Bearer x', `Bearer ${'a'.repeat(43)}`, 'Basic abc', junk()]) },
        };
      } else if (kind < 77) {
        request = {
          method: 'POST',
          url: `/ogc/collections/${collection()}/items`,
          headers: fx.as('admin', { 'content-type': pick(['application/geo+json', 'application/json']) }),
          payload: JSON.stringify(badFeature()),
        };
      } else if (kind < 85) {
        request = {
          method: pick(['PATCH', 'PUT']),
          url: plotUrl,
          headers: fx.as('admin', {
            'content-type': pick(['application/merge-patch+json', 'application/geo+json', 'application/json']),
            ...(random() < 0.8 ? { 'if-match': pick([etag, etag, etag, '"1-999"', '*x', 'W/' + etag, '""']) } : {}),
          }),
          payload: JSON.stringify(badFeature()),
        };
      } else if (kind < 89) {
        request = {
          method: 'DELETE',
          url: `/ogc/collections/${collection()}/items/${featureId()}`,
          headers: fx.as('admin', random() < 0.5 ? { 'if-match': '"1-999"' } : {}),
        };
      } else if (kind < 93) {
        request = {
          method: pick(['POST', 'PATCH', 'PUT']),
          url: pick(['/ogc/collections/plots/items', plotUrl]),
          headers: fx.as('admin', {
            'content-type': pick([
              'application/geo+json',
              'application/merge-patch+json',
              'text/xml',
              'multipart/form-data',
              'application/x-www-form-urlencoded',
            ]),
            'if-match': etag,
          }),
          payload: pick([
            '{',
            '{"type":"Feature",',
            '{"__proto__":{"admin":true},"type":"Feature"}',
            '<xml/>',
            'a=b',
            '[]',
            'null',
            '"x"',
            '{"type":"Feature","properties":{"constructor":{"prototype":{"x":1}}}}',
          ]),
        };
      } else if (kind < 94) {
        // Oversized: beyond the 5 MB body limit (few of them: each is a 6 MB string).
        request = {
          method: 'POST',
          url: '/ogc/collections/plots/items',
          headers: fx.as('admin', { 'content-type': 'application/geo+json' }),
          payload: `{"type":"Feature","properties":{"x":"${big}"}}`,
        };
      } else if (kind < 97) {
        request = {
          method: pick(['POST', 'GET']),
          url: `${plotUrl}/history/${pick(['0', 'abc', '99999999', '-1', '1'])}/restore`,
          headers: fx.as(pick(['admin', 'anonymous', 'farmer'])),
        };
      } else {
        request = { method: pick(['OPTIONS', 'TRACE', 'PROPFIND', 'HEAD']), url: `/ogc/collections/${collection()}/items/${featureId()}` };
      }
      const response = await fx.app.inject(request);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode >= 500) {
        failures.push(
          `${response.statusCode} ${typeof request === 'string' ? request : `${request.method ?? 'GET'} ${request.url}`.slice(0, 300)} → ${response.body.slice(0, 300)}`,
        );
      } else if (response.statusCode >= 400 && request && typeof request !== 'string' && request.method !== 'HEAD') {
        if (!/application\/problem\+json/.test(String(response.headers['content-type']))) {
          failures.push(`no problem document: ${response.statusCode} ${request.method ?? 'GET'} ${String(request.url).slice(0, 200)}`);
        }
      }
    }
    console.log('hostile statuses', Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
    expect(failures.slice(0, 20)).toEqual([]);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    expect(await checksum(fx)).toBe(before);
  });
});
