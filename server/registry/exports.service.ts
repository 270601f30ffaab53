// Exports of the registry: a growing-area profile as GeoJSON, CSV and a printable page (inline SVG
// map, plot list, legend), and EUDR geolocation files of plots. Staff only: the profile names the
// farmers, and the reveal is logged like any other.
import type { Feature, FeatureCollection, Geometry, Polygon, Position } from 'geojson';
import type { Viewer } from '../contracts/viewer.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../plugins/errors.ts';
import { buildEudrGeoJson, type EudrPlotInput } from '../domain/eudr.ts';
import { SCHEME_LABELS, STATUS_LABELS } from '../domain/growing-area-lifecycle.ts';
import { communeScope, logReveal, requireCommune, requireStaff } from './access.ts';
import * as SQL from './exports.sql.ts';
import { getArea, type AreaRow } from './growing-areas.service.ts';
import { vietnamToday } from '../domain/vietnam-time.ts';

type PlotDetail = {
  id: number;
  farmer_id: number | null;
  farmer_name: string | null;
  hamlet: string | null;
  commune_code: string;
  crop: string;
  variety: string | null;
  planting_date: string | null;
  expected_harvest: string | null;
  area_m2: number;
  parcels: { commune: string; sheet: number; parcel: number; shareM2: number; sharePct: number }[];
  geometry: Polygon;
};

type Profile = AreaRow & { plots: PlotDetail[] };

async function profile(db: Db, viewer: Viewer, id: number): Promise<Profile> {
  return (await getArea(db, viewer, id)) as unknown as Profile;
}

// Profile fields in the order an officer reads them, with bilingual labels for CSV and print.
const PROFILE_FIELDS: readonly [keyof AreaRow & string, string][] = [
  ['code', 'Mã số vùng trồng / Code'],
  ['scheme', 'Loại mã / Scheme'],
  ['status', 'Trạng thái / Status'],
  ['name', 'Tên vùng trồng / Name'],
  ['crop_name_vi', 'Cây trồng / Crop'],
  ['variety', 'Giống / Variety'],
  ['area_m2', 'Diện tích (m²) / Area (m²)'],
  ['plot_count', 'Số thửa / Plots'],
  ['households', 'Số hộ / Households'],
  ['markets', 'Thị trường / Markets'],
  ['registrant_name', 'Tổ chức, cá nhân đăng ký / Registrant'],
  ['technical_officer', 'Cán bộ kỹ thuật / Technical officer'],
  ['commune_name', 'Xã, phường / Commune'],
  ['standard', 'Tiêu chuẩn / Standard'],
  ['certificates', 'Chứng nhận / Certificates'],
  ['harvests_per_year', 'Số vụ/năm / Harvests per year'],
  ['expected_yield_tonnes', 'Sản lượng dự kiến (tấn) / Expected yield (t)'],
  ['decision_no', 'Số quyết định / Decision no.'],
  ['issued_on', 'Ngày cấp / Issued on'],
  ['version_no', 'Phiên bản / Version'],
];

function profileProperties(p: Profile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key] of PROFILE_FIELDS) out[key] = p[key] ?? null;
  out.id = p.id;
  out.crop = p.crop;
  out.commune_code = p.commune_code;
  return out;
}

const parcelText = (pl: PlotDetail): string => pl.parcels.map((x) => `${x.commune}/${x.sheet}/${x.parcel} (${x.sharePct}%)`).join('; ');

/** The profile as a GeoJSON FeatureCollection: the area (MultiPolygon) then each member plot. */
export async function profileGeoJson(
  db: Db,
  viewer: Viewer,
  id: number,
): Promise<FeatureCollection & { growingArea: Record<string, unknown> }> {
  const p = await profile(db, viewer, id);
  const features: Feature[] = [];
  if (p.geometry)
    features.push({
      type: 'Feature',
      id: `growing_area.${p.id}`,
      geometry: p.geometry as Geometry,
      properties: { kind: 'growing_area', ...profileProperties(p) },
    });
  for (const pl of p.plots) {
    features.push({
      type: 'Feature',
      id: `plot.${pl.id}`,
      geometry: pl.geometry,
      properties: {
        kind: 'plot',
        plot_id: pl.id,
        farmer_id: pl.farmer_id,
        farmer_name: pl.farmer_name,
        hamlet: pl.hamlet,
        commune_code: pl.commune_code,
        crop: pl.crop,
        variety: pl.variety,
        planting_date: pl.planting_date,
        expected_harvest: pl.expected_harvest,
        area_m2: pl.area_m2,
        parcels: parcelText(pl),
      },
    });
  }
  return { type: 'FeatureCollection', features, growingArea: profileProperties(p) };
}

/** One CSV cell: quoted when needed, and a leading = + - @ neutralised so spreadsheets don't run it as a formula. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function centroid(g: Polygon): Position {
  const ring = g.coordinates[0] ?? [];
  const n = Math.max(1, ring.length - 1);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += ring[i]![0]!;
    y += ring[i]![1]!;
  }
  return [Number((x / n).toFixed(7)), Number((y / n).toFixed(7))];
}

/** The member plots as CSV (UTF-8 with BOM so spreadsheet programs read the Vietnamese right), one row per plot. */
export async function profileCsv(db: Db, viewer: Viewer, id: number): Promise<string> {
  const p = await profile(db, viewer, id);
  const header = [
    'growing_area_code',
    'growing_area_name',
    'status',
    'plot_id',
    'farmer_name',
    'hamlet',
    'commune_code',
    'crop',
    'variety',
    'planting_date',
    'expected_harvest',
    'area_m2',
    'area_ha',
    'parcels',
    'lon',
    'lat',
  ];
  const lines = [header.join(',')];
  for (const pl of p.plots) {
    const [lon, lat] = centroid(pl.geometry);
    lines.push(
      [
        p.code,
        p.name,
        p.status,
        pl.id,
        pl.farmer_name,
        pl.hamlet,
        pl.commune_code,
        pl.crop,
        pl.variety,
        pl.planting_date,
        pl.expected_harvest,
        pl.area_m2,
        (pl.area_m2 / 10_000).toFixed(4),
        parcelText(pl),
        lon,
        lat,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const labelOf = (l: { vi: string; en: string } | undefined): string => (l ? `${l.vi} / ${l.en}` : '');

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Plot fills cycle through a palette that prints in grey as well as in colour.
const PALETTE = ['#e6a15c', '#7fbf7f', '#6fa8dc', '#c27ba0', '#f1c232', '#76a5af', '#a4c2f4', '#b6d7a8'];

/** An inline SVG map of the plots: equirectangular scaled by cos(latitude), plot numbers, north arrow and scale bar. */
export function plotsSvg(plots: readonly { id: number; geometry: Polygon }[], width = 640, height = 440): string {
  const all = plots.flatMap((p) => p.geometry.coordinates.flat());
  if (all.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="80" role="img"><text x="10" y="40">Chưa có thửa / No plots</text></svg>`;
  const xs = all.map((c) => c[0]!);
  const ys = all.map((c) => c[1]!);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const pad = 30;
  const spanX = Math.max((maxX - minX) * k, 1e-9);
  const spanY = Math.max(maxY - minY, 1e-9);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  // Centre the drawing in the frame along the axis that has room to spare.
  const offX = pad + (width - 2 * pad - spanX * scale) / 2;
  const offY = pad + (height - 2 * pad - spanY * scale) / 2;
  const px = (c: Position): string =>
    `${(offX + (c[0]! - minX) * k * scale).toFixed(1)},${(height - offY - (c[1]! - minY) * scale).toFixed(1)}`;
  const shapes = plots.map((p, i) => {
    const d = p.geometry.coordinates.map((ring) => `M${ring.map(px).join('L')}Z`).join('');
    const [cx, cy] = px(centroid(p.geometry)).split(',');
    return `<path d="${d}" fill="${PALETTE[i % PALETTE.length]}" fill-opacity="0.75" stroke="#333" stroke-width="1" fill-rule="evenodd"/><text x="${cx}" y="${cy}" font-size="11" text-anchor="middle" dominant-baseline="middle">${p.id}</text>`;
  });
  // Scale bar: a round number of metres near a quarter of the width (1° latitude ≈ 111,320 m).
  const metresPerPx = 111_320 / scale;
  const target = (width / 4) * metresPerPx;
  const bar = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].reduce((best, m) => (m <= target ? m : best), 1);
  const barPx = bar / metresPerPx;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Bản đồ các thửa / Map of the plots">`,
    `<rect width="100%" height="100%" fill="#fbfbf7" stroke="#999"/>`,
    ...shapes,
    `<g transform="translate(${width - 28},34)"><path d="M0,-20 L7,6 L0,1 L-7,6 Z" fill="#222"/><text y="20" font-size="12" text-anchor="middle">B/N</text></g>`,
    `<g transform="translate(${pad},${height - 12})"><rect width="${barPx.toFixed(1)}" height="5" fill="#222"/><text x="${(barPx + 6).toFixed(1)}" y="6" font-size="11">${bar >= 1000 ? `${bar / 1000} km` : `${bar} m`}</text></g>`,
    `</svg>`,
  ].join('');
}

/** A printable A4 page: profile, map, legend and the plot list, Vietnamese with English beside. */
// What a refused profile says, by status: the page opens in a browser tab, so words, not JSON.
const REFUSAL_TEXT: Readonly<Record<number, { vi: string; en: string }>> = {
  401: {
    vi: 'Bạn chưa đăng nhập, hoặc phiên đăng nhập đã hết hạn. Hãy đăng nhập lại trên bản đồ rồi mở lại hồ sơ.',
    en: 'You are not signed in, or your session has ended. Sign in again on the map, then open the profile again.',
  },
  403: { vi: 'Tài khoản của bạn không được xem hồ sơ vùng trồng này.', en: 'Your account may not see this growing area’s profile.' },
  404: { vi: 'Không có vùng trồng này (có thể đã bị xoá).', en: 'There is no such growing area (it may have been deleted).' },
};

/** A small page for a profile the registry refused, in Vietnamese with English beside; `detail` is the refusal's own sentence. */
export function profileRefusalHtml(status: number, detail: string): string {
  const text = REFUSAL_TEXT[status] ?? { vi: 'Không mở được hồ sơ.', en: `The profile could not be opened: ${detail}` };
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hồ sơ vùng trồng / Growing-area profile</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2a24}p.en{color:#56625b}a{color:#1b5e20}</style>
</head><body><h1>Hồ sơ vùng trồng / Growing-area profile</h1>
<p>${esc(text.vi)}</p><p class="en" lang="en">${esc(text.en)}</p>
<p><a href="/">Về bản đồ / Back to the map</a></p></body></html>`;
}

export async function profileHtml(db: Db, viewer: Viewer, id: number): Promise<string> {
  const p = await profile(db, viewer, id);
  const shown = (key: string): unknown => {
    if (key === 'status') return labelOf(STATUS_LABELS[p.status]);
    if (key === 'scheme') return labelOf(SCHEME_LABELS[p.scheme]);
    const v = p[key];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const rows = PROFILE_FIELDS.map(([key, label]) => `<tr><th>${esc(label)}</th><td>${esc(shown(key))}</td></tr>`).join('');
  const legend = p.plots
    .map(
      (pl, i) =>
        `<li><span class="sw" style="background:${PALETTE[i % PALETTE.length]}"></span>Thửa / Plot ${pl.id} — ${esc(pl.area_m2)} m²</li>`,
    )
    .join('');
  const list = p.plots
    .map(
      (pl) =>
        `<tr><td>${pl.id}</td><td>${esc(pl.farmer_name)}</td><td>${esc(pl.hamlet)}</td><td>${esc(pl.variety)}</td><td>${esc(pl.planting_date)}</td><td class="n">${esc(pl.area_m2)}</td><td>${esc(parcelText(pl))}</td></tr>`,
    )
    .join('');
  const title = `Hồ sơ vùng trồng ${p.code ?? `#${p.id}`} / Growing-area profile`;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 12px; color: #111; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f1f1ea; width: 38%; } .plots th { width: auto; } td.n { text-align: right; }
.legend { list-style: none; padding: 0; columns: 2; } .legend li { margin: 2px 0; }
.sw { display: inline-block; width: 14px; height: 10px; border: 1px solid #333; margin-right: 6px; vertical-align: middle; }
.map { margin: 8px 0; } svg { max-width: 100%; height: auto; }
footer { margin-top: 12px; color: #555; font-size: 10px; }
</style></head>
<body>
<h1>${esc(title)}</h1>
<div>${esc(p.name)} · ${esc(p.crop_name_vi)} / ${esc(p.crop_name_en)} · ${esc(labelOf(STATUS_LABELS[p.status]))}</div>
<h2>Thông tin chung / Profile</h2>
<table>${rows}</table>
<h2>Bản đồ / Map</h2>
<div class="map">${plotsSvg(p.plots)}</div>
<h2>Chú giải / Legend</h2>
<ul class="legend">${legend}<li><span class="sw" style="background:#fbfbf7"></span>Nền / Background · B/N = Bắc / North</li></ul>
<h2>Danh sách thửa / Plot list</h2>
<table class="plots"><thead><tr><th>Thửa / Plot</th><th>Nông hộ / Farmer</th><th>Ấp / Hamlet</th><th>Giống / Variety</th><th>Ngày trồng / Planted</th><th>Diện tích (m²) / Area</th><th>Thửa đất (xã/tờ/thửa) / Parcels</th></tr></thead><tbody>${list}</tbody></table>
<footer>In ngày / Printed ${esc(vietnamToday())} · Bản đồ số Cao Lãnh. Chứa dữ liệu cá nhân: không công bố / Contains personal data: not for publication.</footer>
</body></html>`;
}

/**
 * The EUDR file of a growing area's plots, or of every plot in the viewer's communes, or the
 * refusal listing every plot that would not pass (422).
 */
export async function eudrExport(
  db: Db,
  viewer: Viewer,
  target: { growingAreaId?: number; commune?: string },
  options: { points: boolean },
): Promise<{ text: string; featureCount: number }> {
  requireStaff(viewer);
  let scope = communeScope(viewer);
  if (target.growingAreaId !== undefined) {
    const area = (await db.query<{ commune_code: string }>('SELECT commune_code FROM growing_areas WHERE id = $1', [target.growingAreaId]))
      .rows[0];
    if (!area) throw new AppError('NOT_FOUND', `No growing area ${target.growingAreaId}.`);
    requireCommune(viewer, area.commune_code);
  } else if (target.commune) {
    requireCommune(viewer, target.commune);
    scope = [target.commune];
  }
  const rows = await db.transaction(async (tx) => {
    const found = (
      await tx.query<{
        id: number;
        producer_name: string | null;
        farmer_id: number | null;
        production_place: string;
        area_ha: number;
        geometry: Geometry;
      }>(SQL.EUDR_PLOTS, [target.growingAreaId ?? null, scope])
    ).rows;
    await logReveal(
      tx,
      viewer,
      found.filter((r) => r.farmer_id !== null).map((r) => `farmer:${r.farmer_id}`),
      'eudr-export',
    );
    return found;
  });
  const input: EudrPlotInput[] = rows.map((r) => ({
    plotId: r.id,
    producerName: r.producer_name ?? '',
    producerCountry: 'VN',
    productionPlace: r.production_place,
    areaHa: r.area_ha,
    geometry: r.geometry,
  }));
  const built = buildEudrGeoJson(input, { pointsForSmallPlots: options.points });
  if (!built.valid) {
    const first = built.problems.slice(0, 5).map((p) => p.message);
    throw new AppError(
      'VALIDATION_FAILED',
      `The EUDR file would not pass: ${first.join(' ')}${built.problems.length > 5 ? ` (and ${built.problems.length - 5} more)` : ''}`,
      {
        problems: built.problems,
      },
    );
  }
  return { text: built.text, featureCount: built.featureCount };
}
