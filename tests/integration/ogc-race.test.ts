import { describe, expect, it } from 'vitest';
import { openFeaturesFixture } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';

const fx = openForFile(openFeaturesFixture);
const ROUNDS = 500;

describe('two clients editing one plot at once', () => {
  it(`lose no update over 2 × ${ROUNDS} PATCH rounds: every accepted change is in the history, the last one is the final state`, async () => {
    const url = `/ogc/collections/plots/items/${fx.ids.plotA}`;
    const start = Number(
      (await fx.db.query<{ version: number }>('SELECT version FROM plots WHERE id = $1', [fx.ids.plotA])).rows[0]!.version,
    );
    const accepted: { value: string; version: number }[] = [];
    let conflicts = 0;
    const client = async (name: string, role: 'officer' | 'admin') => {
      let etag = (await fx.app.inject({ url, headers: fx.as(role) })).headers.etag as string;
      for (let round = 0; round < ROUNDS; round++) {
        const value = `${name}-${round}`;
        const response = await fx.app.inject({
          method: 'PATCH',
          url,
          headers: fx.as(role, { 'content-type': 'application/merge-patch+json', 'if-match': etag }),
          payload: { properties: { variety: value } },
        });
        if (response.statusCode === 200) {
          accepted.push({ value, version: response.json().properties.version });
          etag = response.headers.etag as string;
        } else {
          expect(response.statusCode, response.body).toBe(412);
          conflicts++;
          etag = (await fx.app.inject({ url, headers: fx.as(role) })).headers.etag as string;
        }
      }
    };
    await Promise.all([client('a', 'officer'), client('b', 'admin')]);

    const versions = accepted.map((a) => a.version).sort((p, q) => p - q);
    expect(new Set(versions).size).toBe(accepted.length); // no two accepted writes share a version
    const final = (await fx.app.inject({ url, headers: fx.as('officer') })).json();
    expect(final.properties.version).toBe(start + accepted.length);
    const last = accepted.reduce((p, q) => (q.version > p.version ? q : p));
    expect(final.properties.variety).toBe(last.value);

    const { rows } = await fx.db.query<{ variety: string; version: number; user_id: number }>(
      `SELECT after->>'variety' AS variety, (after->>'version')::int AS version, user_id FROM edit_log
        WHERE collection = 'plots' AND feature_id = $1 AND action = 'update' AND origin = 'api' ORDER BY id`,
      [String(fx.ids.plotA)],
    );
    expect(rows.map((r) => `${r.version}:${r.variety}`)).toEqual(
      [...accepted].sort((p, q) => p.version - q.version).map((a) => `${a.version}:${a.value}`),
    );
    expect(accepted.length + conflicts).toBe(2 * ROUNDS);
    console.log(`race: ${accepted.length} accepted, ${conflicts} refused with 412`);
  });
});
