import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Crop } from '../../server/contracts/crops.ts';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp({ fixture: false });

async function tableRows(): Promise<Crop[]> {
  const { rows } = await reg.db.query<{ code: string; name_vi: string; name_en: string; crop_type: Crop['type']; min_area_m2: number }>(
    'SELECT code, name_vi, name_en, crop_type, min_area_m2 FROM crops',
  );
  return rows
    .map((r) => ({ code: r.code, nameVi: r.name_vi, nameEn: r.name_en, type: r.crop_type, minAreaM2: Number(r.min_area_m2) }))
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

const byCode = (list: Crop[]) => [...list].sort((a, b) => (a.code < b.code ? -1 : 1));

describe('GET /api/crops', () => {
  it('answers every row of the crops table with both names, type and minimum area, perennials first', async () => {
    const res = await reg.app.inject({ url: '/api/crops' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=60, must-revalidate');
    const { crops } = res.json() as { crops: Crop[] };
    expect(byCode(crops)).toEqual(await tableRows());
    expect(crops.find((c) => c.code === 'mango')).toEqual({
      code: 'mango',
      nameVi: 'Xoài',
      nameEn: 'Mango',
      type: 'perennial',
      minAreaM2: 10000,
    });
    const firstAnnual = crops.findIndex((c) => c.type === 'annual');
    expect(firstAnnual).toBeGreaterThan(0);
    expect(crops.slice(firstAnnual).every((c) => c.type === 'annual')).toBe(true);
  });

  it('follows the table: a crop an administrator adds is in the next answer, with a new ETag', async () => {
    const before = await reg.app.inject({ url: '/api/crops' });
    await reg.db.query(
      `INSERT INTO crops (code, name_vi, name_en, crop_type, min_area_m2) VALUES ('dragonfruit', 'Thanh long', 'Dragon fruit', 'perennial', 5000)`,
    );
    try {
      const after = await reg.app.inject({ url: '/api/crops', headers: { 'if-none-match': String(before.headers.etag) } });
      expect(after.statusCode).toBe(200);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      const { crops } = after.json() as { crops: Crop[] };
      expect(byCode(crops)).toEqual(await tableRows());
      expect(crops.find((c) => c.code === 'dragonfruit')).toMatchObject({ nameVi: 'Thanh long', minAreaM2: 5000 });
    } finally {
      await reg.db.query(`DELETE FROM crops WHERE code = 'dragonfruit'`);
    }
  });

  it('filters by type', async () => {
    const res = await reg.app.inject({ url: '/api/crops?type=annual' });
    expect(res.statusCode).toBe(200);
    const { crops } = res.json() as { crops: Crop[] };
    expect(byCode(crops)).toEqual((await tableRows()).filter((c) => c.type === 'annual'));
  });

  it('revalidates with its ETag (304, empty body) and compresses when asked', async () => {
    const first = await reg.app.inject({ url: '/api/crops', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(first.headers['content-encoding']).toBe('br');
    expect(first.headers.vary).toBe('Accept-Encoding');
    expect(JSON.parse(zlib.brotliDecompressSync(first.rawPayload).toString()).crops.length).toBe((await tableRows()).length);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const again = await reg.app.inject({ url: '/api/crops', headers: { 'if-none-match': header } });
      expect(again.statusCode, header).toBe(304);
      expect(again.body).toBe('');
    }
    const stale = await reg.app.inject({ url: '/api/crops', headers: { 'if-none-match': '"stale"' } });
    expect(stale.statusCode).toBe(200);
  });

  it('answers hostile query strings with a 400 problem document, never a 5xx', async () => {
    const hostile = [
      '?type=tree',
      '?type=',
      '?type=annual&type=perennial',
      "?type=annual'--",
      '?type=%00',
      '?type[]=annual',
      '?typo=annual',
      '?type=annual&limit=5',
      `?type=${'a'.repeat(5000)}`,
      '?%ZZ=1',
      '?__proto__[x]=1',
      '?constructor=1',
    ];
    for (const query of hostile) {
      const res = await reg.app.inject({ url: `/api/crops${query}` });
      expect(res.statusCode, query).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, query).toBeLessThan(500);
      expect(res.headers['content-type'], query).toMatch(/^application\/problem\+json/);
      expect(res.json(), query).toMatchObject({ status: res.statusCode });
    }
  });

  it('refuses writes with 405 and leaves the table unchanged', async () => {
    const before = await tableRows();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await reg.app.inject({
        method,
        url: '/api/crops',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ code: 'weed', nameVi: 'Cỏ', nameEn: 'Weed', type: 'annual', minAreaM2: 1 }),
      });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers.allow, method).toBe('GET, HEAD');
      expect(res.headers['content-type'], method).toMatch(/^application\/problem\+json/);
    }
    expect((await reg.app.inject({ method: 'HEAD', url: '/api/crops' })).statusCode).toBe(200);
    expect((await reg.app.inject({ url: '/api/crops/mango' })).statusCode).toBe(404);
    expect(await tableRows()).toEqual(before);
  });
});
