import zlib from 'node:zlib';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { useRegistryApp } from '../helpers/registry-app.ts';

const reg = useRegistryApp({ fixture: false });

/** Glyph ids and the fontstack name in a glyph PBF. */
function glyphIds(bytes: Buffer): { name: string; ids: number[] } {
  const out = { name: '', ids: [] as number[] };
  new PbfReader(bytes).readFields((tag, _, pbf) => {
    if (tag !== 1) return;
    pbf.readMessage((t, __, p) => {
      if (t === 1) out.name = p.readString();
      else if (t === 3) {
        p.readMessage((f, ___, q) => {
          if (f === 1) out.ids.push(q.readVarint());
        }, undefined);
      }
    }, undefined);
  }, undefined);
  return out;
}

describe('GET /api/land-use-codes', () => {
  it('answers the colour table from the database, legacy codes resolved to their current colour', async () => {
    const res = await reg.app.inject({ url: '/api/land-use-codes' });
    expect(res.statusCode).toBe(200);
    const { codes } = res.json() as {
      codes: { code: string; fill: string | null; legacy: boolean; mapsTo: string | null; nameVi: string }[];
    };
    const byCode = new Map(codes.map((c) => [c.code, c]));
    expect(byCode.get('LUC')).toMatchObject({ fill: '#FFFC8C', legacy: false, nameVi: 'Đất chuyên trồng lúa' });
    expect(byCode.get('LNQ')).toMatchObject({ legacy: true, mapsTo: 'CLN' });
    const db_ = await reg.db.query<{ n: number }>('SELECT count(*)::int n FROM land_use_codes');
    expect(codes).toHaveLength(db_.rows[0]!.n);
    // A colour an administrator changes in the table is what the legend and the style show next.
    await reg.db.query(`UPDATE land_use_codes SET fill = '#123456' WHERE code = 'CLN'`);
    const after = (await reg.app.inject({ url: '/api/land-use-codes' })).json() as { codes: { code: string; fill: string }[] };
    expect(after.codes.find((c) => c.code === 'CLN')?.fill).toBe('#123456');
    const style = (await reg.app.inject({ url: '/style.json' })).json() as StyleSpecification;
    expect(JSON.stringify(style.layers.find((l) => l.id === 'parcels-fill'))).toContain('"CLN","#123456"');
    await reg.db.query(`UPDATE land_use_codes SET fill = '#FFD2A0' WHERE code = 'CLN'`);
  });

  it('revalidates with its ETag (304) and compresses for clients that accept it', async () => {
    const first = await reg.app.inject({ url: '/api/land-use-codes', headers: { 'accept-encoding': 'br' } });
    expect(first.headers['content-encoding']).toBe('br');
    const plain = zlib.brotliDecompressSync(first.rawPayload).toString();
    expect(JSON.parse(plain).codes.length).toBeGreaterThan(50);
    const again = await reg.app.inject({ url: '/api/land-use-codes', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('GET /style.json', () => {
  it('is a valid style built from the tile server’s TileJSON, with URLs only on the asking host', async () => {
    const res = await reg.app.inject({ url: '/style.json', headers: { host: 'maps.caolanh.local:8080' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    const style = res.json() as StyleSpecification;
    expect(validateStyleMin(style)).toEqual([]);
    const urls = new Set(JSON.stringify(style).match(/https?:\/\/[^/"]+/g));
    expect([...urls]).toEqual(['http://maps.caolanh.local:8080']);
    expect(Object.keys(style.sources).sort()).toEqual(['admin-labels', 'bando', 'landuse', 'zones']);
    // One label point per ward or commune of today, so a unit is named once, not once per tile.
    const labels = (style.sources['admin-labels'] as unknown as { data: { features: { properties: { name: string; level: string } }[] } })
      .data.features;
    const names = labels.map((f) => f.properties.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('Phường Cao Lãnh');
    expect(labels.every((f) => f.properties.level !== 'hamlet')).toBe(true);
    const tiles = (style.sources.bando as { tiles: string[] }).tiles[0]!;
    expect(tiles).toMatch(
      /^http:\/\/maps\.caolanh\.local:8080\/tiles\/water,parcels,roads,admin,growing_areas,plots,products\/\{z\}\/\{x\}\/\{y\}\?v=\d+$/,
    );
    // The composite tile it names is served.
    const tile = await reg.app.inject({ url: tiles.replace('http://maps.caolanh.local:8080', '').replace('{z}/{x}/{y}', '14/13000/7712') });
    expect([200, 204]).toContain(tile.statusCode);
  });

  it('ignores a Host header that is not a host name', async () => {
    const res = await reg.app.inject({ url: '/style.json', headers: { host: 'evil.example/"><script>' } });
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).not.toContain('evil');
  });
});

describe('GET /fonts/{fontstack}/{range}.pbf', () => {
  it('serves Vietnamese glyphs, compressed when asked', async () => {
    const res = await reg.app.inject({ url: '/fonts/Noto%20Sans%20Regular/7680-7935.pbf', headers: { 'accept-encoding': 'gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.headers['content-encoding']).toBe('gzip');
    const { name, ids } = glyphIds(zlib.gunzipSync(res.rawPayload));
    expect(name).toBe('Noto Sans Regular');
    for (const ch of 'ẠạẢảẤấỆệỘộỨứỹ') expect(ids).toContain(ch.codePointAt(0));
  });

  it('falls back to the stack it has for a font list it does not, and answers an empty range for a script it lacks', async () => {
    const fallback = await reg.app.inject({ url: '/fonts/Open%20Sans%20Bold,Arial%20Unicode%20MS%20Regular/0-255.pbf' });
    expect(fallback.statusCode).toBe(200);
    expect(glyphIds(fallback.rawPayload).ids).toContain('A'.charCodeAt(0));
    const cjk = await reg.app.inject({ url: '/fonts/Noto%20Sans%20Regular/19968-20223.pbf' });
    expect(cjk.statusCode).toBe(200);
    expect(glyphIds(cjk.rawPayload)).toEqual({ name: 'Noto Sans Regular', ids: [] });
    // Emoji (U+1F900…, asked for by MapLibre for a label holding one): the empty set, not an error.
    const emoji = await reg.app.inject({ url: '/fonts/Noto%20Sans%20Regular/129280-129535.pbf' });
    expect(emoji.statusCode).toBe(200);
    expect(glyphIds(emoji.rawPayload)).toEqual({ name: 'Noto Sans Regular', ids: [] });
  });

  it('refuses malformed ranges and never reads outside its folder', async () => {
    for (const url of [
      '/fonts/Noto%20Sans%20Regular/0-254.pbf',
      '/fonts/Noto%20Sans%20Regular/1-256.pbf',
      '/fonts/Noto%20Sans%20Regular/1114112-1114367.pbf',
      '/fonts/Noto%20Sans%20Regular/99999999-100000254.pbf',
      '/fonts/Noto%20Sans%20Regular/0-255.png',
      '/fonts/Noto%20Sans%20Regular/-256--1.pbf',
      `/fonts/${'A'.repeat(300)}/0-255.pbf`,
    ]) {
      const res = await reg.app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const traversal = await reg.app.inject({ url: '/fonts/..%2F..%2F..%2Fpackage.json/0-255.pbf' });
    expect(traversal.statusCode).toBe(200);
    expect(traversal.body).not.toContain('"name"');
    expect(glyphIds(traversal.rawPayload).name).toBe('Noto Sans Regular');
  });
});

describe('the web client at /', () => {
  it('serves the page (Vietnamese, with a viewport meta tag), hashed assets as immutable, the service worker revalidated', async () => {
    const page = await reg.app.inject({ url: '/', headers: { 'accept-encoding': 'br' } });
    expect(page.statusCode).toBe(200);
    const html = page.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(page.rawPayload).toString() : page.body;
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('name="viewport"');
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = /src="(\/assets\/main-[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await reg.app.inject({ url: script!, headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-encoding']).toBe('br');
    const sw = await reg.app.inject({ url: '/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['cache-control']).toBe('no-cache');
    expect(sw.body).not.toContain('__PRECACHE_LIST__');
    expect(sw.body).toContain(script!);
  });

  it('keeps the schema library out of the page: the web imports the contracts’ codes, not their TypeBox schemas', async () => {
    const html = (await reg.app.inject({ url: '/' })).body;
    const script = /src="(\/assets\/main-[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const code = (await reg.app.inject({ url: script! })).body;
    expect(code.length).toBeGreaterThan(100_000);
    // TypeBox names its symbols 'TypeBox.Kind' and the like; 27 KB of brotli for a farmer's phone when they are in.
    expect(code).not.toContain('TypeBox.Kind');
  });

  it('leaves unknown API paths to the API’s 404, not the page', async () => {
    const res = await reg.app.inject({ url: '/api/does-not-exist' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const dots = await reg.app.inject({ url: '/assets/../../package.json' });
    expect(dots.statusCode).toBe(404);
  });
});

describe('an address that does not exist', () => {
  it('shows a person a page in both languages with a way back to the map, the address escaped', async () => {
    const res = await reg.app.inject({
      url: '/ban-do/%3Cscript%3Ealert(1)%3C%2Fscript%3E?x=1',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<html lang="vi">');
    expect(res.body).toContain('Không tìm thấy trang');
    expect(res.body).toContain('Page not found');
    expect(res.body).toContain('<a class="home" href="/">');
    expect(res.body).toContain('/ban-do/&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>');
    // An address whose escapes do not decode is the router's 400, never a 5xx.
    const malformed = await reg.app.inject({ url: '/%E0%A4%A', headers: { accept: 'text/html' } });
    expect(malformed.statusCode).toBe(400);
  });

  it('keeps answering tools, API paths and other methods with a problem document', async () => {
    for (const [url, accept, method] of [
      ['/nope', 'application/json', 'GET'],
      ['/nope', '*/*', 'GET'],
      ['/api/nope', 'text/html', 'GET'],
      ['/ogc/nope/x', 'text/html', 'GET'],
      ['/tiles/nope/x/y/z/w', 'text/html', 'GET'],
      ['/nope', 'text/html', 'POST'],
    ] as const) {
      const res = await reg.app.inject({ url, method, headers: { accept } });
      expect(res.statusCode, `${method} ${url} (${accept})`).toBe(404);
      expect(res.headers['content-type'], `${method} ${url} (${accept})`).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
  });
});

describe('the built client', () => {
  it('serves its pages but no dotfile of the build (the source digest) or of anywhere else', async () => {
    expect((await reg.app.inject({ url: '/' })).statusCode).toBe(200);
    for (const url of ['/.sources-sha256', '/assets/.hidden', '/.env', '/.git/config']) {
      const res = await reg.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toMatch(/^[0-9a-f]{64}\s*$/);
    }
  });

  it('sends a browser asking for /favicon.ico (a page without an icon link, such as /healthz) to the app icon', async () => {
    const res = await reg.app.inject({ url: '/favicon.ico' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/favicon.svg');
    const icon = await reg.app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
  });
});
