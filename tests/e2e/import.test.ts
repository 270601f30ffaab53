// The officer imports a surveyor's zipped VN-2000 shapefile of plots (TCVN3 text) from the Tools tab:
// the check reports what the file holds and writes nothing; the import fills the progress bar to
// 100 %, writes the plots and the map draws them; a broken file is refused in Vietnamese and writes
// nothing. Screenshots at 1280×800 and on a 360×740 phone.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Geometry } from 'geojson';
import { project, shapefileZip, useTempDir, type ShpFeature } from '../fixtures/io/builders.ts';
import { insidePoint } from '../helpers/import-fixture.ts';
import type { DbfColumn } from '../../server/io/formats/dbf.ts';
import { openPage, SCREENSHOTS, useServerAndBrowser, waitForMap, type BandoWindow } from './harness.ts';
import { openImport } from './import-fixtures.ts';

const e2e = useServerAndBrowser();
const tmp = useTempDir();

/** The columns of an agricultural survey's plot shapefile, named as surveyors name them. */
const PLOT_COLUMNS: DbfColumn[] = [
  { name: 'Ma', type: 'C', length: 20, decimals: 0 },
  { name: 'MaXa', type: 'C', length: 5, decimals: 0 },
  { name: 'CayTrong', type: 'C', length: 30, decimals: 0 },
  { name: 'Giong', type: 'C', length: 40, decimals: 0 },
];

/** A square of side `size` degrees at lon/lat, counter-clockwise and closed, in WGS 84. */
function square(lon: number, lat: number, size = 0.00015): Geometry {
  const ring = [
    [lon, lat],
    [lon + size, lat],
    [lon + size, lat + size],
    [lon, lat + size],
    [lon, lat],
  ];
  return { type: 'Polygon', coordinates: [ring] };
}

/**
 * Ten plots of the officer's commune, one with a crop not in the list, one 40 km away (outside
 * the commune), all in VN-2000 / EPSG:5897 with TCVN3 text (no .cpg: the server detects it).
 */
async function plotShapefile(at: [number, number]): Promise<{ zip: string; keys: string[] }> {
  const features: ShpFeature[] = [];
  const keys: string[] = [];
  for (let k = 0; k < 10; k++) {
    const key = `E2E-IMPORT-${k + 1}`;
    keys.push(key);
    const geometry = project(square(at[0] + (k % 5) * 0.0003, at[1] + Math.floor(k / 5) * 0.0003), 'EPSG:5897');
    features.push({ geometry, values: [key, '29869', 'Xoài', 'Cát Chu'] });
  }
  features.push({
    geometry: project(square(at[0] + 0.003, at[1]), 'EPSG:5897'),
    values: ['E2E-IMPORT-BAD-CROP', '29869', 'Sầu riêng Musang', 'Ri6'],
  });
  features.push({ geometry: project(square(at[0] + 0.4, at[1] + 0.1), 'EPSG:5897'), values: ['E2E-IMPORT-FAR', '29869', 'Xoài', 'Keo'] });
  const zip = await shapefileZip(tmp.dir, 'thua_vung_trong_5897', 'polygon', PLOT_COLUMNS, features, {
    crs: 'EPSG:5897',
    encoding: 'tcvn3',
    cpg: null,
  });
  return { zip, keys };
}

async function state(): Promise<{ plots: number; log: number }> {
  const { rows } = await e2e.server.db.query<{ plots: number; log: number }>(
    `SELECT (SELECT count(*)::int FROM plots WHERE source_key LIKE 'E2E-IMPORT-%') AS plots, (SELECT count(*)::int FROM edit_log) AS log`,
  );
  return rows[0]!;
}

/** Records every value the progress bar takes, so the test sees it grow to 100. */
async function watchBar(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __importBar: number[] }).__importBar = seen;
    const bar = document.getElementById('import-progress') as HTMLProgressElement;
    new MutationObserver(() => seen.push(Number(bar.dataset.pct))).observe(bar, { attributes: true, attributeFilter: ['data-pct'] });
  });
}

describe('importing a surveyor’s file from the web client', () => {
  it('the officer checks a VN-2000 TCVN3 shapefile (nothing written), imports it with a progress bar, and the map draws the plots', async () => {
    const at = await insidePoint(e2e.server.db, '29869');
    const { zip, keys } = await plotShapefile(at);
    const before = await state();
    expect(before.plots).toBe(0);

    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openImport(page, e2e.server);
    // Only the collections an officer may write, by their Vietnamese names; the commune is the officer's.
    expect(await page.locator('#import-collection option').allTextContents()).toEqual([
      'Thửa sản xuất (vùng trồng)',
      'Cơ sở sản xuất, sản phẩm (điểm)',
      'Thửa đất địa chính',
      'Bản đồ sử dụng đất',
    ]);
    expect(await page.inputValue('#import-commune')).toBe('29869');
    expect(await page.locator('#import-advanced').getAttribute('open')).toBeNull();

    await page.setInputFiles('#import-file', zip);
    await page.waitForSelector('#import-drop.has-file');
    // While the check runs (held here at its upload), its progress row is in sight under the buttons:
    // the panel used to jump back to its top and leave the bar below the fold for the whole run.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/import?**', async (route) => {
      await held;
      await route.continue();
    });
    await page.click('#import-check');
    await page.waitForSelector('.import-progress');
    const seen = await page.evaluate(() => {
      const row = document.querySelector('.import-progress')!.getBoundingClientRect();
      const panel = document.getElementById('panel-body')!.getBoundingClientRect();
      return { top: row.top, bottom: row.bottom, from: Math.max(0, panel.top), to: Math.min(innerHeight, panel.bottom) };
    });
    expect(seen.top, JSON.stringify(seen)).toBeGreaterThanOrEqual(seen.from);
    expect(seen.bottom, JSON.stringify(seen)).toBeLessThanOrEqual(seen.to);
    release();
    await page.waitForSelector('#import-counts[data-dry-run=true]', { timeout: 30_000 });
    await page.unroute('**/api/import?**');
    expect(await page.locator('#import-counts li').allTextContents()).toEqual([
      'Tệp có 12 đối tượng.',
      'Sẽ thêm mới: 10',
      'Sẽ cập nhật: 0',
      'Sẽ bị từ chối: 2',
    ]);
    const layer = await page.locator('#import-layers li').allTextContents();
    expect(layer[0]).toMatch(/^Hệ toạ độ: .*\(EPSG:5897\) · nhận từ tệp \.prj$/);
    expect(layer[1]).toBe('Bảng mã: TCVN3 (ABC) · tự đoán');
    const problems = await page.locator('#import-problems li').allTextContents();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toBe('Đối tượng 11 Cây trồng (CayTrong): cây trồng “Sầu riêng Musang” không có trong danh mục.');
    // The ward by its name from the report's facts, then its code.
    expect(problems[1]).toMatch(/^Đối tượng 12 Nằm ngoài Phường Cao Lãnh \(29869\), cách ranh [\d,]+ km\. /);
    expect(await state()).toEqual(before);
    await page.locator('#import-problems').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-dry-run-desktop.png') });
    expect(await page.textContent('#import-progress-text')).toBe('Đã kiểm tra xong, chưa ghi gì');

    // The import: upload, then the job's phases, to 100 %.
    await watchBar(page);
    await page.click('#import-run');
    await page.waitForSelector('#import-counts[data-dry-run=false]', { timeout: 60_000 });
    const bar = await page.evaluate(() => (window as unknown as { __importBar: number[] }).__importBar);
    expect(bar.at(-1)).toBe(100);
    expect(bar.some((v) => v > 0 && v <= 30)).toBe(true);
    expect(bar).toEqual([...bar].sort((a, b) => a - b));
    expect(await page.getAttribute('#import-progress', 'value')).toBe('100');
    expect(await page.textContent('#import-progress-text')).toBe('Hoàn tất');
    expect(await page.locator('#import-counts li').allTextContents()).toEqual([
      'Đã đọc 12 đối tượng.',
      'Đã thêm mới: 10',
      'Đã cập nhật: 0',
      'Bị từ chối: 2',
    ]);
    await page.waitForSelector('.toast:has-text("Đã nhập 10 đối tượng")');
    // The map flies to the extent the report gives: the ten new plots, whole in view and close up.
    const extent = await e2e.server.db.query<{ w: number; s: number; e: number; n: number }>(
      `SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
       FROM (SELECT ST_Extent(geom) AS b FROM plots WHERE source_key LIKE 'E2E-IMPORT-%') x`,
    );
    const box = extent.rows[0]!;
    await page.waitForFunction(
      ({ w, s, e, n }) => {
        const map = (window as unknown as BandoWindow).__bando.map;
        if (map.isMoving()) return false;
        const b = map.getBounds();
        return b.getWest() <= w && b.getSouth() <= s && b.getEast() >= e && b.getNorth() >= n && map.getZoom() >= 16;
      },
      box,
      { timeout: 10_000 },
    );
    const view = await page.evaluate(() => {
      const map = (window as unknown as BandoWindow).__bando.map;
      return { center: map.getCenter().toArray(), zoom: map.getZoom() };
    });
    // Desktop: the side panel resizes the map, so the padding is even and the extent's centre is the map's.
    expect(view.center[0]).toBeCloseTo((box.w + box.e) / 2, 4);
    expect(view.center[1]).toBeCloseTo((box.s + box.n) / 2, 4);

    const { rows } = await e2e.server.db.query<{ id: number; source_key: string; crop: string; variety: string; commune_code: string }>(
      `SELECT id, source_key, crop, variety, commune_code FROM plots WHERE source_key LIKE 'E2E-IMPORT-%' ORDER BY id`,
    );
    expect(rows.map((r) => r.source_key).sort()).toEqual([...keys].sort());
    expect(new Set(rows.map((r) => `${r.crop}|${r.variety}|${r.commune_code}`))).toEqual(new Set(['mango|Cát Chu|29869']));
    const log = await e2e.server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE origin = 'import'`);
    expect(log.rows[0]!.n).toBeGreaterThanOrEqual(1);
    await page.locator('#import-problems').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-done-desktop.png') });

    // The map draws the new plots from fresh tiles.
    await page.evaluate(
      ([lon, lat]) => (window as unknown as BandoWindow).__bando.map.jumpTo({ center: [lon + 0.0006, lat + 0.0002], zoom: 17 }),
      at,
    );
    await waitForMap(page);
    const drawn = await page.evaluate(
      (ids) => ids.filter((id) => (window as unknown as BandoWindow).__bando.handle.findRendered('plots', id).length > 0),
      rows.map((r) => r.id),
    );
    expect(drawn.sort()).toEqual(rows.map((r) => r.id).sort());
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-map-desktop.png') });

    // The same file again: its ten plots are unchanged and the two rows still refused. The screen
    // says nothing changed, with both figures, not that every feature was refused (a review saw that).
    const again = await state();
    await page.click('#import-run');
    await page.waitForSelector('#import-headline', { timeout: 60_000 });
    expect(await page.textContent('#import-headline')).toBe('Không có gì thay đổi: 10 giữ nguyên, 2 bị từ chối.');
    expect(await page.locator('#import-refusal').count()).toBe(0);
    expect(await page.locator('#import-counts li').allTextContents()).toEqual([
      'Đã đọc 12 đối tượng.',
      'Đã thêm mới: 0',
      'Đã cập nhật: 0',
      'Giữ nguyên (giống hệt dữ liệu đã có): 10',
      'Bị từ chối: 2',
    ]);
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#import-headline')?.textContent?.startsWith('Nothing changed'));
    expect(await page.textContent('#import-headline')).toBe('Nothing changed: 10 unchanged, 2 refused.');
    // The progress line is worded again too (it stayed 'Hoàn tất').
    expect(await page.textContent('#import-progress-text')).toBe('Finished');
    await page.locator('#import-headline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-again-desktop-en.png') });
    expect(await state()).toEqual(again);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a phone, a valid file’s plots are flown to above the sheet; a broken shapefile is refused in Vietnamese with what to do, and nothing is written', async () => {
    const at = await insidePoint(e2e.server.db, '29869');
    const features: ShpFeature[] = Array.from({ length: 4 }, (_, k) => ({
      geometry: project(square(at[0] + k * 0.0003, at[1] - 0.001), 'EPSG:5897'),
      values: [`E2E-BROKEN-${k}`, '29869', 'Xoài', 'Keo'],
    }));
    const zip = await shapefileZip(tmp.dir, 'thua_hong', 'polygon', PLOT_COLUMNS, features, { crs: 'EPSG:5897', truncateShpBy: 60 });

    const { page, context } = await openPage(e2e.browser, 'phone');
    await page.setViewportSize({ width: 360, height: 740 });
    await openImport(page, e2e.server);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-form-phone.png') });
    // The same rows whole: the check's report fits the phone's sheet.
    await page.setInputFiles(
      '#import-file',
      await shapefileZip(tmp.dir, 'thua_lanh', 'polygon', PLOT_COLUMNS, features, { crs: 'EPSG:5897' }),
    );
    await page.click('#import-check');
    await page.waitForSelector('#import-counts li:text-is("Sẽ thêm mới: 4")');
    await page.locator('#import-counts').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-dry-run-phone.png') });
    // Imported, the four plots are flown to and land above the bottom sheet, not under it.
    await page.click('#import-run');
    await page.waitForSelector('#import-counts[data-dry-run=false]', { timeout: 60_000 });
    const written = await e2e.server.db.query<{ w: number; s: number; e: number; n: number }>(
      `SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
       FROM (SELECT ST_Extent(geom) AS b FROM plots WHERE source_key LIKE 'E2E-BROKEN-%') x`,
    );
    await page.waitForFunction(() => {
      const map = (window as unknown as BandoWindow).__bando.map;
      return !map.isMoving() && map.getZoom() >= 16;
    });
    const onScreen = await page.evaluate(({ w, s, e, n }) => {
      const map = (window as unknown as BandoWindow).__bando.map;
      const canvas = map.getContainer().getBoundingClientRect();
      const sheet = document.getElementById('panel')!.getBoundingClientRect();
      const corners = [map.project([w, n]), map.project([e, s])].map((p) => ({ x: p.x + canvas.left, y: p.y + canvas.top }));
      return { corners, mapTop: canvas.top, sheetTop: sheet.top, width: canvas.width };
    }, written.rows[0]!);
    for (const c of onScreen.corners) {
      expect(c.y).toBeGreaterThan(onScreen.mapTop);
      expect(c.y).toBeLessThan(onScreen.sheetTop);
      expect(c.x).toBeGreaterThan(0);
      expect(c.x).toBeLessThan(onScreen.width);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-flown-phone.png') });
    const beforeBroken = await e2e.server.db.query<{ plots: number; log: number }>(
      `SELECT (SELECT count(*)::int FROM plots) AS plots, (SELECT count(*)::int FROM edit_log) AS log`,
    );
    // A shapefile part alone is refused before anything is sent.
    await page.setInputFiles('#import-file', { name: 'thua.shp', mimeType: 'application/octet-stream', buffer: Buffer.from('x') });
    expect(await page.textContent('#import-form-error')).toMatch(/^thua\.shp chỉ là một phần của shapefile: nén các tệp/);
    await page.setInputFiles('#import-file', zip);

    await page.click('#import-run');
    await page.waitForSelector('#import-refusal', { timeout: 30_000 });
    expect(await page.textContent('#import-refusal strong')).toBe('Tệp bị cắt cụt hoặc hỏng giữa chừng.');
    expect(await page.textContent('#import-refusal p')).toBe('Xuất lại tệp từ phần mềm đo đạc (đủ .shp, .shx, .dbf) rồi nhập lại.');
    expect(await page.locator('#import-counts').count()).toBe(0);
    await page.locator('#import-refusal').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-refusal-phone.png') });
    const after = await e2e.server.db.query<{ plots: number; log: number }>(
      `SELECT (SELECT count(*)::int FROM plots) AS plots, (SELECT count(*)::int FROM edit_log) AS log`,
    );
    expect(after.rows[0]).toEqual(beforeBroken.rows[0]);
    await context.close();
  });

  it('a file without .prj asks for the CRS; read in the wrong zone it lands outside and one tap re-checks in the zone the server names', async () => {
    const at = await insidePoint(e2e.server.db, '29869');
    const features: ShpFeature[] = Array.from({ length: 3 }, (_, k) => ({
      geometry: project(square(at[0] + k * 0.0003, at[1] + 0.001), 'EPSG:9210'),
      values: [`E2E-ZONE-${k}`, '29869', 'Xoài', 'Keo'],
    }));
    const zip = await shapefileZip(tmp.dir, 'thua_khong_prj', 'polygon', PLOT_COLUMNS, features, { crs: 'EPSG:9210', prj: null });
    const before = await state();

    const { page, context } = await openPage(e2e.browser, 'desktop');
    await openImport(page, e2e.server);
    // Dropped on the form rather than picked.
    await page.evaluate(
      ({ name, base64 }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], name, { type: 'application/zip' }));
        document
          .getElementById('import-drop')!
          .dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      { name: path.basename(zip), base64: fs.readFileSync(zip).toString('base64') },
    );
    // The form takes the file once it knows the server's size limit (asked when it opened).
    await expect.poll(() => page.textContent('#import-drop')).toMatch(/^thua_khong_prj\.zip · \d+ KB$/);
    await page.click('#import-check');
    await page.waitForSelector('#import-refusal');
    expect(await page.textContent('#import-refusal strong')).toBe('Không nhận ra hệ toạ độ của tệp.');

    await page.selectOption('#import-crs', 'EPSG:5897');
    await page.click('#import-check');
    await page.waitForSelector('#import-cause');
    expect(await page.locator('#import-counts li').allTextContents()).toContain('Sẽ bị từ chối: 3');
    expect(await page.textContent('#import-cause p')).toBe(
      'Có lẽ sai múi chiếu: dữ liệu thuộc EPSG:9210. Chọn hệ toạ độ đó rồi kiểm tra lại.',
    );
    expect(await page.locator('#import-problems li').first().textContent()).toMatch(
      /^Đối tượng 1 Nằm ngoài (Phường Cao Lãnh \(29869\)|tỉnh Đồng Tháp), cách ranh [\d,]+ km\. Xem nguyên nhân có thể ở trên\.$/,
    );
    await page.locator('#import-cause').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-wrong-zone-desktop.png') });

    await page.click('#import-try-fix');
    await page.waitForSelector('#import-counts li:text-is("Sẽ thêm mới: 3")');
    expect(await page.inputValue('#import-crs')).toBe('EPSG:9210');
    expect(await page.locator('#import-cause').count()).toBe(0);
    expect(await page.locator('#import-layers li').first().textContent()).toMatch(/\(EPSG:9210\) · theo lựa chọn của bạn$/);

    // English beside Vietnamese: the same report, worded again.
    await page.click('#lang-toggle');
    await page.waitForSelector('#import-counts li:text-is("Would be added: 3")');
    expect(await page.textContent('#import-run')).toBe('Import');
    expect(await state()).toEqual(before);
    await context.close();
  });

  it('a surveyor’s file naming household heads (ChuHo) and keyed by no known column: the check tells each farmer link and offers the code column', async () => {
    const db = e2e.server.db;
    // Three plots on free ground of the ward, and the farmers their rows name: one registered, one
    // new, one whose name two registered farmers share.
    const [lon, lat] = await insidePoint(db, '29869');
    const { rows: free } = await db.query<{ x: number; y: number }>(
      `SELECT $1 + dx AS x, $2 + dy AS y FROM unnest(ARRAY[-0.004, 0.004, -0.008]) dx, unnest(ARRAY[-0.002, -0.004, 0.003]) dy,
         LATERAL ST_MakeEnvelope($1 + dx, $2 + dy, $1 + dx + 0.0012, $2 + dy + 0.0003, 4326) box
       WHERE NOT EXISTS (SELECT 1 FROM plots p WHERE p.geom && ST_Expand(box, 0.0005))
         AND EXISTS (SELECT 1 FROM admin_units u WHERE u.code = '29869' AND u.valid_to IS NULL AND ST_Covers(u.geom, box))
       LIMIT 1`,
      [lon, lat],
    );
    expect(free).toHaveLength(1);
    for (const name of ['Nguyễn Văn Khớp', 'Lê Thị Trùng', 'Lê Thị Trùng']) {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO farmers (lookup_code, commune_code) VALUES ('ND-E2E' || substr(md5(random()::text), 1, 6), '29869') RETURNING id`,
      );
      await db.query('INSERT INTO farmer_private (farmer_id, full_name) VALUES ($1, $2)', [rows[0]!.id, name]);
    }
    const farmers = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM farmers')).rows[0]!.n;
    const farmersBefore = await farmers();
    const heads = ['NGUYỄN VĂN KHỚP', 'Trần Văn Mới', 'Lê Thị Trùng'];
    const file = path.join(tmp.dir, 'thua_chu_ho.geojson');
    fs.writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: heads.map((ChuHo, k) => ({
          type: 'Feature',
          // The hamlet (Ấp) goes to the new farmer; the page counts it and never shows it.
          properties: { MaHo: `E2E-HO-${k + 1}`, MaXa: '29869', CayTrong: 'Xoài', ChuHo, CCCD: null, Ấp: 'Ấp Tân Hậu' },
          geometry: square(free[0]!.x + k * 0.0004, free[0]!.y),
        })),
      }),
    );

    const { page, context, errors } = await openPage(e2e.browser, 'desktop');
    await openImport(page, e2e.server);
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-drop.has-file');
    await page.click('#import-check');
    await page.waitForSelector('#import-farmers', { timeout: 30_000 });
    expect(await page.locator('#import-farmers li').allTextContents()).toEqual([
      'Nông hộ: 1 thửa sẽ gắn với nông hộ đã có trong sổ.',
      '1 nông hộ mới sẽ được đăng ký theo tên chủ hộ trong tệp (1 thửa).',
      'Trong số nông hộ mới: 1 có tên ấp lấy từ tệp.',
      '1 thửa có tên chủ hộ trùng nhiều nông hộ: sẽ nhập không kèm nông hộ, không tự chọn.',
    ]);
    expect(await page.locator('#import-panel').textContent()).not.toContain('Tân Hậu');
    // ChuHo and CCCD are read, not "not used"; no column the import knows codes the plots, MaHo could.
    const layers = await page.locator('#import-layers li').allTextContents();
    expect(layers).toContain('Cột không dùng (không được nhập): MaHo.');
    expect(layers).toContain('Cột có thể làm mã thửa (có ở mọi dòng, không trùng nhau): MaHo.');
    expect(await page.locator('#import-problems li').allTextContents()).toEqual([
      'Đối tượng 3 Chưa gắn nông hộ: 2 nông hộ trong xã cùng tên (hoặc cùng số điện thoại), không tự chọn; gắn thửa với nông hộ trong sổ.',
    ]);
    await page.locator('#import-farmers').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'import-farmers-desktop.png') });

    // One tap checks again keyed by MaHo: the column is named in the form, the suggestion is gone.
    await page.click('#import-key-choices button[data-key="MaHo"]');
    await page.waitForFunction(() => document.querySelector('#import-key') !== null && !document.querySelector('#import-key-choices'));
    await page.waitForSelector('#import-farmers');
    expect(await page.inputValue('#import-key')).toBe('MaHo');
    expect((await page.locator('#import-layers li').allTextContents()).join('\n')).not.toContain('Cột có thể làm mã thửa');

    // English beside Vietnamese.
    await page.click('#lang-toggle');
    await page.waitForSelector('#import-farmers li:text-is("Plots to be linked to farmers already registered: 1")');
    expect(await page.locator('#import-farmers li').nth(1).textContent()).toBe(
      'New farmers to be registered from the file’s household heads: 1 (their plots: 1)',
    );
    expect(await page.locator('#import-farmers li').nth(2).textContent()).toBe('Of the new farmers, with a hamlet from the file: 1');
    // A check writes nothing: no plot, no farmer.
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM plots WHERE source_key LIKE 'E2E-HO-%'`)).rows[0]!.n).toBe(0);
    expect(await farmers()).toBe(farmersBefore);
    expect(errors).toEqual([]);
    await context.close();
  });
});
