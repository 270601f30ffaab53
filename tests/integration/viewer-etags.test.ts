// A body that differs by viewer has its own ETag: a browser that kept an officer's copy of a plot
// (the farmer's name, phone and citizen ID) and asks again as a guest, If-None-Match with the
// officer's tag, gets the guest's body, never a 304 onto the officer's copy. Writes take any tag of
// the version they read (the officer's or the public one); a stale one is 412, none 428. Answers
// of /api and /ogc say they vary by the credentials, and a signed-in reader's are private.
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, PASSWORD, WARD_A, openFeaturesFixture, square } from '../helpers/features-fixture.ts';
import { openForFile } from '../helpers/for-file.ts';

const fx = openForFile(openFeaturesFixture);
let cookie: string;
let csrf: string;
let plotAVersion: number;
beforeAll(async () => {
  const login = await fx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'fx-officer', password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  const set = login.headers['set-cookie'];
  cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
  csrf = login.json().csrfToken as string;
  // The fixture joins plot A to its draft with a plain UPDATE, which moves its version like any edit.
  plotAVersion = Number(
    (await fx.db.query<{ version: number }>('SELECT version FROM plots WHERE id = $1', [fx.ids.plotA])).rows[0]!.version,
  );
});

const NAME = 'Nguyễn Văn Thử';
const PHONE = '0912345678';
const CITIZEN_ID = '087123456789';
const GEO = { 'content-type': 'application/geo+json' };
const PATCH = { 'content-type': 'application/merge-patch+json' };
const asCookie = (extra: Record<string, string> = {}) => ({ cookie, ...extra });
const writeAsCookie = (extra: Record<string, string> = {}) => ({ cookie, 'x-csrf-token': csrf, ...extra });
const plotUrl = () => `/ogc/collections/plots/items/${fx.ids.plotA}`;

/**
 * A small square of its own for each plot the file makes, side by side on a grid in ward A's free
 * corner: plots placed at random overlapped now and then (the 422 PLOT_OVERLAPS of a CI run).
 */
let squaresMade = 0;
function nextSquare() {
  const [x, y] = ORIGIN;
  const n = squaresMade++;
  return square(x + 0.002 + (n % 20) * 0.0003, y + 0.003 + Math.floor(n / 20) * 0.0003, 0.0001);
}

/** A fresh plot of ward A owned by farmer A, so each write test starts from version 1. */
async function freshPlot(): Promise<string> {
  const created = await fx.app.inject({
    method: 'POST',
    url: '/ogc/collections/plots/items',
    headers: fx.as('officer', GEO),
    payload: {
      type: 'Feature',
      geometry: nextSquare(),
      properties: { crop: 'rice', farmer_id: fx.ids.farmerA },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return `/ogc/collections/plots/items/${created.json().id}`;
}

describe('one plot read by an officer, then by a guest on the same browser', () => {
  it('gives the officer a tag of their own and the guest, asking with it, a 200 without the personal fields', async () => {
    const officer = await fx.app.inject({ url: plotUrl(), headers: asCookie() });
    expect(officer.statusCode).toBe(200);
    const officerTag = officer.headers.etag as string;
    expect(officerTag).toMatch(new RegExp(`^"${fx.ids.plotA}-${plotAVersion}\\.[A-Za-z0-9_-]{8}"$`));
    expect(officer.json().properties).toMatchObject({ farmer_name: NAME, farmer_phone: PHONE, farmer_citizen_id: CITIZEN_ID });
    expect(officer.headers['cache-control']).toBe('private, no-store');
    expect(officer.headers.vary).toMatch(/Cookie/);
    expect(officer.headers.vary).toMatch(/Authorization/);

    const guest = await fx.app.inject({ url: plotUrl(), headers: { 'if-none-match': officerTag } });
    expect(guest.statusCode).toBe(200);
    expect(guest.headers.etag).toBe(`"${fx.ids.plotA}-${plotAVersion}"`);
    expect(guest.headers['cache-control']).toBe('no-cache');
    for (const secret of [NAME, PHONE, CITIZEN_ID]) expect(guest.body).not.toContain(secret);
    expect(Object.keys(guest.json().properties)).not.toContain('farmer_phone');
  });

  it('answers 304 only to the same viewer’s own tag', async () => {
    const officer = await fx.app.inject({ url: plotUrl(), headers: asCookie() });
    const again = await fx.app.inject({ url: plotUrl(), headers: asCookie({ 'if-none-match': officer.headers.etag as string }) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // Several tags, the officer's among them, weak or not: still not the guest's body.
    const listed = await fx.app.inject({ url: plotUrl(), headers: { 'if-none-match': `"x", W/${officer.headers.etag as string}` } });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(PHONE);
    const guestTag = `"${fx.ids.plotA}-${plotAVersion}"`;
    expect((await fx.app.inject({ url: plotUrl(), headers: { 'if-none-match': guestTag } })).statusCode).toBe(304);
    // The guest's tag does not revalidate the officer's copy either: the officer gets the full body.
    const officerWithGuestTag = await fx.app.inject({ url: plotUrl(), headers: asCookie({ 'if-none-match': guestTag }) });
    expect(officerWithGuestTag.statusCode).toBe(200);
    expect(officerWithGuestTag.json().properties.farmer_phone).toBe(PHONE);
  });

  it('gives the officer of another ward, the farmer and an administrator tags unlike each other', async () => {
    const tags = new Map<string, string>();
    for (const role of ['officer', 'officerB', 'farmer', 'admin', 'planner'] as const) {
      const response = await fx.app.inject({ url: plotUrl(), headers: fx.as(role) });
      expect(response.statusCode).toBe(200);
      tags.set(role, response.headers.etag as string);
    }
    // A planner reads the public body: the public tag.
    expect(tags.get('planner')).toBe(`"${fx.ids.plotA}-${plotAVersion}"`);
    expect(new Set(tags.values()).size).toBe(5);
    // A bearer and a cookie of the same officer read the same bytes: one tag.
    const byCookie = await fx.app.inject({ url: plotUrl(), headers: asCookie() });
    expect(byCookie.headers.etag).toBe(tags.get('officer'));
  });

  it('tags the collections of no personal data with the public tag for everyone', async () => {
    const url = `/ogc/collections/zones/items/${fx.ids.zoneA}`;
    const officer = await fx.app.inject({ url, headers: asCookie() });
    const guest = await fx.app.inject({ url });
    // Version 1, and a suffix of the plan's facts the lot shows (borrowed: see the last describe).
    expect(officer.headers.etag).toMatch(new RegExp(`^"${fx.ids.zoneA}-1\\.[A-Za-z0-9_-]{8}"$`));
    expect(guest.headers.etag).toBe(officer.headers.etag);
  });
});

describe('writes with the tag of a read', () => {
  it('take the officer’s tag and the public form of the same version, with the cookie and with a bearer token', async () => {
    for (const method of ['PATCH', 'PUT'] as const) {
      const url = await freshPlot();
      const read = await fx.app.inject({ url, headers: asCookie() });
      const officerTag = read.headers.etag as string;
      expect(officerTag).toMatch(/\.[A-Za-z0-9_-]{8}"$/);
      const feature = read.json();
      const body =
        method === 'PATCH' ? { properties: { variety: 'OM18' } } : { ...feature, properties: { ...feature.properties, variety: 'OM18' } };
      const first = await fx.app.inject({
        method,
        url,
        headers: writeAsCookie({ ...(method === 'PATCH' ? PATCH : GEO), 'if-match': officerTag }),
        payload: body,
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers.etag).toBe(officerTag.replace('-1.', '-2.'));
      expect(first.json().properties.farmer_phone).toBe(PHONE);
      // The public form of version 2 (what a guest's read or a tool's read gave) is taken too.
      const version = url.split('/').pop();
      const second = await fx.app.inject({
        method,
        url,
        headers: fx.as('officer', { ...(method === 'PATCH' ? PATCH : GEO), 'if-match': `"${version}-2"` }),
        payload:
          method === 'PATCH' ? { properties: { variety: 'OM5451' } } : { ...body, properties: { ...body.properties, variety: 'OM5451' } },
      });
      expect(second.statusCode, second.body).toBe(200);
      expect(
        (await fx.db.query<{ variety: string; version: number }>('SELECT variety, version FROM plots WHERE id = $1', [Number(version)]))
          .rows[0],
      ).toEqual({
        variety: 'OM5451',
        version: 3,
      });
    }
  });

  it('refuses a stale tag in either form with 412 and nothing written, and no tag with 428', async () => {
    const url = await freshPlot();
    const id = Number(url.split('/').pop());
    const v1 = (await fx.app.inject({ url, headers: asCookie() })).headers.etag as string;
    const ok = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: writeAsCookie({ ...PATCH, 'if-match': v1 }),
      payload: { properties: { variety: 'A' } },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    for (const stale of [v1, `"${id}-1"`, `"${id}-1.zzzzzzzz"`]) {
      const refused = await fx.app.inject({
        method: 'PATCH',
        url,
        headers: writeAsCookie({ ...PATCH, 'if-match': stale }),
        payload: { properties: { variety: 'B' } },
      });
      expect(refused.statusCode, stale).toBe(412);
      expect(refused.json().currentETag).toBe(`"${id}-2"`);
    }
    const none = await fx.app.inject({ method: 'PATCH', url, headers: writeAsCookie(PATCH), payload: { properties: { variety: 'B' } } });
    expect(none.statusCode).toBe(428);
    // Tags of another feature, or shaped like ours but malformed, are no match either.
    for (const odd of [`"${id + 1}-2"`, `"${id}-2.short"`, `"${id}-2.abcdefgh.x"`, `W/"${id}-2"`, `"${id}-02x"`]) {
      const refused = await fx.app.inject({
        method: 'PATCH',
        url,
        headers: writeAsCookie({ ...PATCH, 'if-match': odd }),
        payload: { properties: { variety: 'B' } },
      });
      expect(refused.statusCode, odd).toBe(412);
    }
    const row = await fx.db.query<{ variety: string; version: number }>('SELECT variety, version FROM plots WHERE id = $1', [id]);
    expect(row.rows[0]).toEqual({ variety: 'A', version: 2 });
  });

  it('deletes with the officer’s tag', async () => {
    const url = await freshPlot();
    const tag = (await fx.app.inject({ url, headers: asCookie() })).headers.etag as string;
    const deleted = await fx.app.inject({ method: 'DELETE', url, headers: writeAsCookie({ 'if-match': tag }) });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await fx.app.inject({ url, headers: asCookie() })).statusCode).toBe(404);
  });
});

describe('a farmer renamed after an officer kept the farmer’s plot and product', () => {
  // A farmer of its own (the file's farmer A keeps its name for the other tests), with one plot and one
  // household product made through the features API.
  async function farmerWithPlotAndProduct(name: string): Promise<{ farmerId: number; plot: string; product: string }> {
    const farmerId = Number(
      (
        await fx.db.query<{ id: number }>(`INSERT INTO farmers (lookup_code, commune_code) VALUES ($1, $2) RETURNING id`, [
          `FX-R${Math.floor(Math.random() * 1e9)}`,
          WARD_A,
        ])
      ).rows[0]!.id,
    );
    await fx.db.query(
      // A citizen ID of its own: one farmer per ID (migration 024).
      `INSERT INTO farmer_private (farmer_id, full_name, phone, citizen_id, address) VALUES ($1, $2, '0900000001', lpad($3::text, 12, '0'), 'Ấp 1')`,
      [farmerId, name, 87_000_000_000 + farmerId],
    );
    const [x, y] = ORIGIN;
    const plot = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/plots/items',
      headers: fx.as('officer', GEO),
      payload: {
        type: 'Feature',
        geometry: nextSquare(),
        properties: { crop: 'rice', farmer_id: farmerId, variety: 'OM18' },
      },
    });
    expect(plot.statusCode, plot.body).toBe(201);
    const product = await fx.app.inject({
      method: 'POST',
      url: '/ogc/collections/products/items',
      headers: fx.as('officer', GEO),
      payload: {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [x + 0.004, y + 0.004] },
        properties: { producer_kind: 'household', farmer_id: farmerId, product: 'Lúa', category: 'rice' },
      },
    });
    expect(product.statusCode, product.body).toBe(201);
    return {
      farmerId,
      plot: `/ogc/collections/plots/items/${plot.json().id}`,
      product: `/ogc/collections/products/items/${product.json().id}`,
    };
  }
  const versionOf = async (url: string) => {
    const [, table, id] = /collections\/(\w+)\/items\/(\d+)$/.exec(url)!;
    return Number((await fx.db.query<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [Number(id)])).rows[0]!.version);
  };

  /** The officer's kept copy (tag) of `url` is no longer current: a 200 with `shown`, a new tag, and a write with the old tag 412, nothing written. */
  async function keptCopyIsStale(url: string, kept: string, shown: Record<string, unknown>): Promise<string> {
    const again = await fx.app.inject({ url, headers: asCookie({ 'if-none-match': kept }) });
    expect(again.statusCode, url).toBe(200);
    expect(again.json().properties).toMatchObject(shown);
    const fresh = again.headers.etag as string;
    expect(fresh).not.toBe(kept);
    expect((await fx.app.inject({ url, headers: asCookie({ 'if-none-match': fresh }) })).statusCode).toBe(304);
    const version = await versionOf(url);
    const stale = await fx.app.inject({
      method: 'PATCH',
      url,
      headers: writeAsCookie({ ...PATCH, 'if-match': kept }),
      payload: { properties: url.includes('/plots/') ? { variety: 'Trên thẻ cũ' } : { product: 'Trên thẻ cũ' } },
    });
    expect(stale.statusCode, stale.body).toBe(412);
    expect(stale.json().currentETag).toBe(`"${url.split('/').pop()}-${version}"`);
    expect(await versionOf(url)).toBe(version);
    expect(JSON.stringify((await fx.app.inject({ url, headers: asCookie() })).json().properties)).not.toContain('Trên thẻ cũ');
    return fresh;
  }

  it('through the registry: the old tags revalidate 200 with the new name, and writes with them are 412', async () => {
    const { farmerId, plot, product } = await farmerWithPlotAndProduct('Trần Thị Cũ');
    const plotTag = (await fx.app.inject({ url: plot, headers: asCookie() })).headers.etag as string;
    const productTag = (await fx.app.inject({ url: product, headers: asCookie() })).headers.etag as string;
    expect((await fx.app.inject({ url: plot, headers: asCookie({ 'if-none-match': plotTag }) })).statusCode).toBe(304);
    const [plotV, productV] = [await versionOf(plot), await versionOf(product)];

    // A name the registry refuses is not written, and moves nothing.
    const refused = await fx.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${farmerId}`,
      headers: {
        ...fx.as('officer'),
        'if-match': (await fx.app.inject({ url: `/api/farmers/${farmerId}`, headers: fx.as('officer') })).headers.etag as string,
      },
      payload: { fullName: '🙂🙂' },
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect([await versionOf(plot), await versionOf(product)]).toEqual([plotV, productV]);
    expect((await fx.app.inject({ url: plot, headers: asCookie({ 'if-none-match': plotTag }) })).statusCode).toBe(304);
    // The same name again changes nothing shown: the tags stay.
    const same = await fx.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${farmerId}`,
      headers: {
        ...fx.as('officer'),
        'if-match': (await fx.app.inject({ url: `/api/farmers/${farmerId}`, headers: fx.as('officer') })).headers.etag as string,
      },
      payload: { fullName: 'Trần Thị Cũ' },
    });
    expect(same.statusCode, same.body).toBe(200);
    expect((await fx.app.inject({ url: plot, headers: asCookie({ 'if-none-match': plotTag }) })).statusCode).toBe(304);

    const renamed = await fx.app.inject({
      method: 'PATCH',
      url: `/api/farmers/${farmerId}`,
      headers: {
        ...fx.as('officer'),
        'if-match': (await fx.app.inject({ url: `/api/farmers/${farmerId}`, headers: fx.as('officer') })).headers.etag as string,
      },
      payload: { fullName: 'Trần Thị Mới' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    // One edit, one version more.
    expect([await versionOf(plot), await versionOf(product)]).toEqual([plotV + 1, productV + 1]);
    await keptCopyIsStale(plot, plotTag, { farmer_name: 'Trần Thị Mới' });
    await keptCopyIsStale(product, productTag, { farmer_name: 'Trần Thị Mới' });
  });

  it('in SQL: a new phone or citizen ID moves the tags of what shows it, an address nothing', async () => {
    const { farmerId, plot, product } = await farmerWithPlotAndProduct('Lê Văn Sửa');
    const read = async (url: string) => (await fx.app.inject({ url, headers: asCookie() })).headers.etag as string;
    let [plotTag, productTag] = [await read(plot), await read(product)];

    const stamped = async () =>
      (await fx.db.query<{ at: string }>(`SELECT updated_at::text AS at FROM plots WHERE id = $1`, [Number(plot.split('/').pop())]))
        .rows[0]!.at;
    const stampedBefore = await stamped();
    await fx.db.query(`UPDATE farmer_private SET full_name = 'Lê Văn Đã Sửa' WHERE farmer_id = $1`, [farmerId]);
    // Stamped as changed too: a client asking for the plots changed since then (datetime=…/..) gets it.
    expect(await stamped()).not.toBe(stampedBefore);
    plotTag = await keptCopyIsStale(plot, plotTag, { farmer_name: 'Lê Văn Đã Sửa' });
    productTag = await keptCopyIsStale(product, productTag, { farmer_name: 'Lê Văn Đã Sửa' });

    await fx.db.query(`UPDATE farmer_private SET phone = '0987654321' WHERE farmer_id = $1`, [farmerId]);
    plotTag = await keptCopyIsStale(plot, plotTag, { farmer_phone: '0987654321' });
    productTag = await keptCopyIsStale(product, productTag, { farmer_phone: '0987654321' });

    // The citizen ID is on the plot's card, not on the product's.
    await fx.db.query(`UPDATE farmer_private SET citizen_id = '087999999999' WHERE farmer_id = $1`, [farmerId]);
    plotTag = await keptCopyIsStale(plot, plotTag, { farmer_citizen_id: '087999999999' });
    expect(await read(product)).toBe(productTag);

    // Shown by neither, or no change at all: both tags stay.
    await fx.db.query(`UPDATE farmer_private SET address = 'Ấp 2' WHERE farmer_id = $1`, [farmerId]);
    await fx.db.query(`UPDATE farmer_private SET full_name = full_name WHERE farmer_id = $1`, [farmerId]);
    expect(await read(plot)).toBe(plotTag);
    expect(await read(product)).toBe(productTag);

    // The personal row gone: the name is gone from the card, and so is the tag that showed it.
    await fx.db.query(`DELETE FROM farmer_private WHERE farmer_id = $1`, [farmerId]);
    await keptCopyIsStale(plot, plotTag, { farmer_name: null, farmer_phone: null });
  });
});

describe('lists, queryables and registry reads', () => {
  it('mark an officer’s item list and queryables private, and a guest’s not', async () => {
    const list = `/ogc/collections/plots/items?commune_code=${WARD_A}`;
    const officer = await fx.app.inject({ url: list, headers: asCookie() });
    expect(officer.body).toContain(PHONE);
    expect(officer.headers['cache-control']).toBe('private, no-store');
    const guest = await fx.app.inject({ url: list });
    expect(guest.body).not.toContain(PHONE);
    expect(guest.headers['cache-control']).toBe('no-cache');
    expect(guest.headers.vary).toMatch(/Cookie/);
    const queryables = await fx.app.inject({ url: '/ogc/collections/plots/queryables', headers: asCookie() });
    expect(Object.keys(queryables.json().properties)).toContain('farmer_phone');
    expect(queryables.headers['cache-control']).toBe('private, no-store');
    const guestQueryables = await fx.app.inject({ url: '/ogc/collections/plots/queryables' });
    expect(Object.keys(guestQueryables.json().properties)).not.toContain('farmer_phone');
    expect(guestQueryables.headers['cache-control']).toBe('no-cache');
  });

  it('say a signed-in reader’s registry answers are private and vary by the credentials', async () => {
    for (const url of [
      `/api/plots/${fx.ids.plotA}`,
      `/api/farmers/${fx.ids.farmerA}`,
      `/api/growing-areas/${fx.ids.areaDraftA}`,
      '/api/farmers',
    ]) {
      const response = await fx.app.inject({ url, headers: asCookie() });
      expect(response.statusCode, `${url} ${response.body}`).toBe(200);
      expect(response.headers['cache-control'], url).toBe('private, no-store');
      expect(response.headers.vary, url).toMatch(/Cookie, Authorization/);
      // Only the reads whose PATCH takes If-Match have a tag: a growing area's (the reader's own) and a farmer's.
      if (url.startsWith('/api/growing-areas/') || url.startsWith('/api/farmers/'))
        expect(response.headers.etag, url).toMatch(/^"[0-9]+-[0-9]+\.[A-Za-z0-9_-]{8}"$/);
      else expect(response.headers.etag, url).toBeUndefined();
    }
    expect((await fx.app.inject({ url: `/api/farmers/${fx.ids.farmerA}`, headers: asCookie() })).body).toContain(PHONE);
    // A guest is refused the farmer, and the refusal too varies by the credentials.
    const guest = await fx.app.inject({ url: `/api/farmers/${fx.ids.farmerA}` });
    expect(guest.statusCode).toBe(401);
    expect(guest.headers.vary).toMatch(/Cookie/);
  });

  it('leave the public answers public (same for everyone, no Vary on the credentials)', async () => {
    for (const url of ['/api/statistics/growing-areas', '/api/lookup/growing-areas/VN-FX-0001', '/api/crops']) {
      const response = await fx.app.inject({ url, headers: asCookie() });
      expect(response.statusCode, `${url} ${response.body}`).toBe(200);
      expect(response.headers['cache-control'], url).toMatch(/^public/);
      expect(String(response.headers.vary ?? ''), url).not.toMatch(/Cookie/);
    }
  });
});

describe('hostile tags', () => {
  it('answers odd If-None-Match and If-Match values with the body or a clear 4xx, never a 5xx', async () => {
    const odd = ['', '*', '"', '""', 'W/', `"${fx.ids.plotA}-1.${'a'.repeat(2000)}"`, ',,,', `"${fx.ids.plotA}-1.AAAAAAA="`];
    for (const value of odd) {
      const read = await fx.app.inject({ url: plotUrl(), headers: asCookie({ 'if-none-match': value }) });
      expect([200, 304], JSON.stringify(value)).toContain(read.statusCode);
      if (read.statusCode === 200) expect(read.json().properties.farmer_phone).toBe(PHONE);
      const write = await fx.app.inject({
        method: 'PATCH',
        url: plotUrl(),
        headers: writeAsCookie({ ...PATCH, 'if-match': value }),
        payload: { properties: { variety: 'X' } },
      });
      expect(write.statusCode, JSON.stringify(value)).toBeLessThan(500);
      expect(write.statusCode, JSON.stringify(value)).toBeGreaterThanOrEqual(value === '*' ? 200 : 400);
    }
  });
});

describe('what a card shows of a plan, a land-use map, a parcel’s owners or an administrative unit (tables with no version)', () => {
  /** Reads `url` as `headers`, changes the other table in SQL, and asks again with the kept tag: 200 with `shown`; undone, the tag is the old one again. */
  async function keptTagAfter(
    url: string,
    headers: Record<string, string>,
    change: string,
    undo: string,
    params: unknown[],
    shown: (properties: Record<string, unknown>) => unknown,
  ): Promise<void> {
    const before = await fx.app.inject({ url, headers });
    expect(before.statusCode, before.body).toBe(200);
    const kept = before.headers.etag as string;
    expect((await fx.app.inject({ url, headers: { ...headers, 'if-none-match': kept } })).statusCode).toBe(304);
    await fx.db.query(change, params);
    try {
      const again = await fx.app.inject({ url, headers: { ...headers, 'if-none-match': kept } });
      expect(again.statusCode, url).toBe(200);
      expect(shown(again.json().properties)).toBeTruthy();
      expect(again.headers.etag).not.toBe(kept);
      // The row itself did not change: same version, the tag's suffix carries the other table's facts.
      expect(String(again.headers.etag).split('.')[0]).toBe(kept.split('.')[0]);
    } finally {
      await fx.db.query(undo, params);
    }
    expect((await fx.app.inject({ url, headers: { ...headers, 'if-none-match': kept } })).statusCode).toBe(304);
  }

  it('a plan renamed or re-dated in SQL: a zoning lot’s kept tag revalidates 200 with the new facts, for a guest and a planner', async () => {
    const url = `/ogc/collections/zones/items/${fx.ids.zoneA}`;
    for (const headers of [{}, fx.as('planner')]) {
      await keptTagAfter(
        url,
        headers,
        `UPDATE planning_plans SET name = 'Quy hoạch điều chỉnh' WHERE id = $1`,
        `UPDATE planning_plans SET name = 'Quy hoạch thử' WHERE id = $1`,
        [fx.ids.planId],
        (p) => p.plan_name === 'Quy hoạch điều chỉnh',
      );
      await keptTagAfter(
        url,
        headers,
        `UPDATE planning_plans SET decision_date = '2025-01-02' WHERE id = $1`,
        `UPDATE planning_plans SET decision_date = '2024-05-01' WHERE id = $1`,
        [fx.ids.planId],
        (p) => p.decision_date === '2025-01-02',
      );
    }
  });

  it('a land-use map renamed in SQL: its area’s kept tag revalidates 200 with the new name', async () => {
    const url = `/ogc/collections/landuse/items/${fx.ids.landuseA}`;
    const mapId = Number(
      (await fx.db.query<{ map_id: number }>('SELECT map_id FROM landuse_areas WHERE id = $1', [fx.ids.landuseA])).rows[0]!.map_id,
    );
    await keptTagAfter(
      url,
      {},
      `UPDATE landuse_maps SET name = 'Hiện trạng 2025', year = 2025 WHERE id = $1`,
      `UPDATE landuse_maps SET name = 'Hiện trạng thử', year = 2024 WHERE id = $1`,
      [mapId],
      (p) => p.map_name === 'Hiện trạng 2025' && p.map_year === 2025,
    );
  });

  it('an administrative unit (no version column) renamed in SQL: its kept tag revalidates 200 with the new name', async () => {
    const url = `/ogc/collections/admin/items/${fx.ids.wardA}`;
    await keptTagAfter(
      url,
      {},
      `UPDATE admin_units SET name = 'Phường Đổi Tên' WHERE id = $1`,
      `UPDATE admin_units SET name = 'Phường Thử Nghiệm A' WHERE id = $1`,
      [fx.ids.wardA],
      (p) => p.name === 'Phường Đổi Tên',
    );
  });

  it('a parcel’s owner renamed in SQL: the administrator’s kept tag revalidates 200 with the new owner; the guest’s, which shows no owner, still 304', async () => {
    const url = `/ogc/collections/parcels/items/${fx.ids.parcelA}`;
    const guest = await fx.app.inject({ url });
    const guestTag = guest.headers.etag as string;
    expect(guestTag).toBe(`"${fx.ids.parcelA}-${guest.json().properties.version as number}"`);
    await keptTagAfter(
      url,
      fx.as('admin'),
      `UPDATE parcel_owners SET owner_name = 'Lê Văn Chủ Mới' WHERE parcel_id = $1`,
      `UPDATE parcel_owners SET owner_name = 'Lê Văn Chủ' WHERE parcel_id = $1`,
      [fx.ids.parcelA],
      (p) => JSON.stringify(p.owners).includes('Lê Văn Chủ Mới'),
    );
    await fx.db.query(`UPDATE parcel_owners SET citizen_id = '087111222444' WHERE parcel_id = $1`, [fx.ids.parcelA]);
    try {
      expect((await fx.app.inject({ url, headers: { 'if-none-match': guestTag } })).statusCode).toBe(304);
    } finally {
      await fx.db.query(`UPDATE parcel_owners SET citizen_id = '087111222333' WHERE parcel_id = $1`, [fx.ids.parcelA]);
    }
  });
});
