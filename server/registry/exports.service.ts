// Exports of the registry: a growing-area profile as GeoJSON, CSV and a printable page (inline SVG
// map, plot list, legend), and EUDR geolocation files of plots. Staff only: the profile names the
// farmers, and the reveal is logged like any other.
import type { Feature, FeatureCollection, Geometry, Polygon, Position } from 'geojson';
import type { Viewer } from '../contracts/viewer.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../plugins/errors.ts';
import { buildEudrGeoJson, EUDR_REASONS, type EudrPlotInput, type EudrProblem } from '../domain/eudr.ts';
import {
  checklistItemLabel,
  SCHEME_LABELS,
  STATUS_DECISION_LABELS,
  STATUS_LABELS,
  statusDecisionText,
  statusWithForce,
  type StatusDecisionFacts,
} from '../domain/growing-area-lifecycle.ts';
import { communeScope, logReveal, requireCommune, requireStaff } from './access.ts';
import * as SQL from './exports.sql.ts';
import { getArea, type AreaRow } from './growing-areas.service.ts';
import { vietnamToday } from '../domain/vietnam-time.ts';
import { parcelName } from '../domain/parcel-name.ts';

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
  parcels: {
    commune: string;
    communeName: string | null;
    communeFormer: boolean | null;
    sheet: number;
    parcel: number;
    shareM2: number;
    sharePct: number;
  }[];
  geometry: Polygon;
};

type Profile = AreaRow & { plots: PlotDetail[] };

async function profile(db: Db, viewer: Viewer, id: number): Promise<Profile> {
  return (await getArea(db, viewer, id)) as unknown as Profile;
}

type Words = { vi: string; en: string };

// Profile fields in the order an officer reads them, with their labels in both languages for print.
const PROFILE_FIELDS: readonly [keyof AreaRow & string, Words][] = [
  ['code', { vi: 'Mã số vùng trồng', en: 'Code' }],
  ['scheme', { vi: 'Loại mã', en: 'Scheme' }],
  ['status', { vi: 'Trạng thái', en: 'Status' }],
  ['name', { vi: 'Tên vùng trồng', en: 'Name' }],
  ['crop_name_vi', { vi: 'Cây trồng', en: 'Crop' }],
  ['variety', { vi: 'Giống', en: 'Variety' }],
  ['area_m2', { vi: 'Diện tích', en: 'Area' }],
  ['plot_count', { vi: 'Số thửa', en: 'Plots' }],
  ['households', { vi: 'Số hộ', en: 'Households' }],
  ['markets', { vi: 'Thị trường', en: 'Markets' }],
  ['registrant_name', { vi: 'Tổ chức, cá nhân đăng ký', en: 'Registrant' }],
  ['technical_officer', { vi: 'Cán bộ kỹ thuật', en: 'Technical officer' }],
  ['commune_name', { vi: 'Xã, phường', en: 'Commune' }],
  ['standard', { vi: 'Tiêu chuẩn', en: 'Standard' }],
  ['certificates', { vi: 'Chứng nhận', en: 'Certificates' }],
  ['harvests_per_year', { vi: 'Số vụ/năm', en: 'Harvests per year' }],
  ['expected_yield_tonnes', { vi: 'Sản lượng dự kiến (tấn)', en: 'Expected yield (t)' }],
  ['decision_no', { vi: 'Số quyết định', en: 'Decision no.' }],
  ['issued_on', { vi: 'Ngày cấp', en: 'Issued on' }],
  ['version_no', { vi: 'Phiên bản', en: 'Version' }],
];

function profileProperties(p: Profile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key] of PROFILE_FIELDS) out[key] = p[key] ?? null;
  // The suspension or revocation in force, beside the issuing decision_no (null while the code is in force).
  for (const key of ['status_decision_no', 'status_decided_on', 'status_reason']) out[key] = p[key] ?? null;
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

/** 2024-03-15 → 15/03/2024, as an officer writes dates (and Excel in Vietnam reads them); anything else as it is. */
export function dateVn(iso: unknown): string | null {
  if (typeof iso !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/**
 * The member plots as CSV (UTF-8 with BOM so spreadsheet programs read the Vietnamese right), one row
 * per plot. After the machine-readable columns (codes, ISO dates), the same facts as an officer reads
 * them: status, crop and commune in Vietnamese, dates as dd/mm/yyyy.
 */
export async function profileCsv(db: Db, viewer: Viewer, id: number): Promise<string> {
  const p = await profile(db, viewer, id);
  const codes = [...new Set(p.plots.map((pl) => pl.commune_code))];
  const [crops, communes] = await Promise.all([
    db.query<{ code: string; name_vi: string }>(SQL.CROP_NAMES),
    db.query<{ code: string; name: string }>(SQL.COMMUNE_NAMES, [codes]),
  ]);
  const cropVi = new Map(crops.rows.map((r) => [r.code, r.name_vi]));
  const communeVi = new Map(communes.rows.map((r) => [r.code, r.name]));
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
    'status_vi',
    'commune_vi',
    'crop_vi',
    'planting_date_vn',
    'expected_harvest_vn',
    // Added after the columns tools read by position: the decision that issued the code, its day.
    'decision_no',
    'issued_on',
    'issued_on_vn',
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
        statusWithForce(p.status, 'vi'),
        communeVi.get(pl.commune_code) ?? null,
        cropVi.get(pl.crop) ?? null,
        dateVn(pl.planting_date),
        dateVn(pl.expected_harvest),
        p.decision_no,
        p.issued_on,
        dateVn(p.issued_on),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The languages the printed profile is written in. */
export type PageLang = 'vi' | 'en';

// Both languages on every label (the page is filed and shown to people of either), the page's own first.
const labelOf = (l: Words | undefined, lang: PageLang = 'vi'): string =>
  !l ? '' : lang === 'vi' ? `${l.vi} / ${l.en}` : `${l.en} / ${l.vi}`;

// Numbers are written the page's way, as the card writes them: 17.074 m² · 1,71 ha in Vietnamese, 17,074 m² · 1.71 ha in English.
const LOCALES: Readonly<Record<PageLang, string>> = { vi: 'vi-VN', en: 'en-GB' };

/** `value` written the way of `lang`, with `digits` decimals (at most `maxDigits`, when given, dropping trailing zeros). */
export function numberText(value: number, lang: PageLang, digits = 0, maxDigits = digits): string {
  return value.toLocaleString(LOCALES[lang], { minimumFractionDigits: digits, maximumFractionDigits: maxDigits });
}

/** An area in hectares with its square metres beside, as the area's card shows it: "1,71 ha (17.074 m²)". */
export function areaText(m2: number, lang: PageLang): string {
  return `${numberText(m2 / 10_000, lang, 2)} ha (${numberText(m2, lang)} m²)`;
}

// The varieties the area grows: its own, then each plot's, once each (an area profile often leaves it
// blank while every plot names one, so the page would print "Giống: —" over a list of Cát Chu plots).
function varietiesOf(p: Profile): string {
  const names = [p.variety, ...p.plots.map((pl) => pl.variety)].map((v) => (typeof v === 'string' ? v.trim() : '')).filter(Boolean);
  return [...new Set(names)].join(', ');
}

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

// What a refused profile says, by status: the page opens in a browser tab, so words, not JSON.
const REFUSAL_TEXT: Readonly<Record<number, { vi: string; en: string }>> = {
  401: {
    vi: 'Bạn chưa đăng nhập, hoặc phiên đăng nhập đã hết hạn. Hãy đăng nhập lại trên bản đồ rồi mở lại hồ sơ.',
    en: 'You are not signed in, or your session has ended. Sign in again on the map, then open the profile again.',
  },
  403: { vi: 'Tài khoản của bạn không được xem hồ sơ vùng trồng này.', en: 'Your account may not see this growing area’s profile.' },
  404: { vi: 'Không có vùng trồng này (có thể đã bị xoá).', en: 'There is no such growing area (it may have been deleted).' },
};

/** The decision that took the area's code out of force, with what it is called; undefined while the code is not suspended or revoked. */
function statusDecisionOf(p: Profile): { label: Words; decision: StatusDecisionFacts } | undefined {
  const decidedOn = p.status_decided_on;
  if ((p.status !== 'suspended' && p.status !== 'revoked') || typeof decidedOn !== 'string') return undefined;
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    label: STATUS_DECISION_LABELS[p.status],
    decision: { decisionNo: text(p.status_decision_no), decidedOn, reason: text(p.status_reason) },
  };
}

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

type DossierMove = {
  from_status: string | null;
  to_status: string;
  version_no: number;
  day: string;
  decision_no: string | null;
  note: string | null;
  actor_name: string | null;
  actor_role: string | null;
  attachments: string[];
};
type DossierInspection = {
  inspected_on: string;
  conclusion: string | null;
  version_no: number;
  notes: string | null;
  inspector_name: string | null;
  inspector_role: string | null;
  checklist: { item: string; ok: boolean; note: string | null }[];
  photos: number;
};

// An account's role as the page names the person who took a step ("Cán bộ Mỹ Trà (Cán bộ nông
// nghiệp / Agricultural officer)"), worded as the web's role_* labels.
const ROLE_LABELS: Readonly<Record<string, Words>> = {
  admin: { vi: 'Quản trị', en: 'Administrator' },
  planner: { vi: 'Cán bộ quy hoạch', en: 'Planner' },
  officer: { vi: 'Cán bộ nông nghiệp', en: 'Agricultural officer' },
  farmer: { vi: 'Nông dân', en: 'Farmer' },
};

const CONCLUSION_LABELS: Readonly<Record<string, Words>> = {
  pass: { vi: 'Đạt', en: 'Passed' },
  fail: { vi: 'Không đạt', en: 'Failed' },
};

/**
 * The dossier's record after its plots: every move of the lineage with who took it, its note (a
 * suspension's reason), its decision and attached files; the inspections with their inspector,
 * checklists (each item's note) and notes; and the list of attached files. People are named by
 * their accounts' display names and roles, never by sign-in names: an inspector reading the paper
 * needs to know who decided and why (s17), and only staff of the area's commune may print it.
 */
function recordHtml(moves: readonly DossierMove[], inspections: readonly DossierInspection[], lang: PageLang): string {
  const L = (vi: string, en: string): string => labelOf({ vi, en }, lang);
  const day = (v: string): string => (lang === 'vi' ? (dateVn(v) ?? v) : v);
  const status = (s: string | null): string => (s ? labelOf((STATUS_LABELS as Record<string, Words>)[s] ?? { vi: s, en: s }, lang) : '');
  const versions = new Set([...moves.map((m) => m.version_no), ...inspections.map((i) => i.version_no)]).size > 1;
  const version = (n: number): string => (versions ? ` (${L('phiên bản', 'version')} ${n})` : '');
  const none = (text: string): string => `<p class="none">${esc(text)}</p>`;
  // A display name that already says the role ("Cán bộ nông nghiệp Phường Cao Lãnh") is not followed
  // by it again: the Vietnamese page names the person alone, the English one adds the English role.
  const person = (name: string | null, role: string | null): string => {
    const label = role ? ROLE_LABELS[role] : undefined;
    if (!name || !label) return name ?? '';
    if (!name.toLocaleLowerCase('vi').includes(label.vi.toLocaleLowerCase('vi'))) return `${name} (${labelOf(label, lang)})`;
    return lang === 'en' ? `${name} (${label.en})` : name;
  };
  const table = (id: string, cells: string[], rows: string[]): string =>
    `<table class="plots" id="${id}"><thead><tr>${cells.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const history = moves.length
    ? table(
        'dossier-history',
        [
          L('Ngày', 'Date'),
          L('Bước', 'Step'),
          L('Người thực hiện', 'Taken by'),
          L('Số quyết định', 'Decision no.'),
          L('Ghi chú', 'Note'),
          L('Tệp đính kèm', 'Attached files'),
        ],
        moves.map(
          (m) =>
            `<tr><td>${esc(day(m.day))}</td><td>${esc(`${status(m.from_status)} → ${status(m.to_status)}${version(m.version_no)}`)}</td><td>${esc(person(m.actor_name, m.actor_role))}</td><td>${esc(m.decision_no)}</td><td class="note">${esc(m.note)}</td><td>${esc(m.attachments.join('; '))}</td></tr>`,
        ),
      )
    : none(L('Chưa có bước nào được ghi nhận.', 'No step recorded yet.'));
  const checks = inspections.length
    ? table(
        'dossier-inspections',
        [
          L('Ngày kiểm tra', 'Inspected on'),
          L('Người kiểm tra', 'Inspector'),
          L('Kết luận', 'Conclusion'),
          L('Nội dung kiểm tra', 'Checklist'),
          L('Ghi chú', 'Notes'),
          L('Ảnh', 'Photos'),
        ],
        inspections.map((i) => {
          const items = i.checklist
            .map((c) => `<li>${c.ok ? '✓' : '✗'} ${esc(checklistItemLabel(c.item, lang))}${c.note ? ` — ${esc(c.note)}` : ''}</li>`)
            .join('');
          const conclusion = i.conclusion
            ? labelOf(CONCLUSION_LABELS[i.conclusion] ?? { vi: i.conclusion, en: i.conclusion }, lang)
            : L('Chưa kết luận', 'No conclusion yet');
          return `<tr><td>${esc(day(i.inspected_on))}</td><td>${esc(person(i.inspector_name, i.inspector_role))}</td><td>${esc(conclusion + version(i.version_no))}</td><td>${items ? `<ul class="checklist">${items}</ul>` : esc(L('Không có', 'None'))}</td><td class="note">${esc(i.notes)}</td><td class="n">${i.photos}</td></tr>`;
        }),
      )
    : none(L('Chưa có biên bản kiểm tra.', 'No inspection recorded yet.'));
  const files = moves.flatMap((m) => m.attachments.map((name) => ({ name, m })));
  const attached = files.length
    ? `<ul id="dossier-attachments">${files.map(({ name, m }) => `<li>${esc(name)} — ${esc(status(m.to_status))}, ${esc(day(m.day))}${m.decision_no ? ` (${esc(m.decision_no)})` : ''}</li>`).join('')}</ul>`
    : none(L('Không có tệp đính kèm.', 'No attached files.'));
  return [
    `<section><h2>${esc(L('Quá trình xử lý hồ sơ', 'History of the dossier'))}</h2>${history}</section>`,
    `<section><h2>${esc(L('Kết quả kiểm tra', 'Inspections'))}</h2>${checks}</section>`,
    `<section><h2>${esc(L('Tài liệu đính kèm', 'Attached documents'))}</h2>${attached}</section>`,
  ].join('\n');
}

/** A printable A4 page: profile, map, legend, the plot list and the dossier's record, in `lang` with the other language beside. */
export async function profileHtml(db: Db, viewer: Viewer, id: number, lang: PageLang = 'vi'): Promise<string> {
  const p = await profile(db, viewer, id);
  const [moves, inspections] = [
    (await db.query<DossierMove>(SQL.DOSSIER_HISTORY, [id])).rows,
    (await db.query<DossierInspection>(SQL.DOSSIER_INSPECTIONS, [id])).rows,
  ];
  const L = (vi: string, en: string): string => labelOf({ vi, en }, lang);
  const crop = labelOf({ vi: String(p.crop_name_vi ?? p.crop), en: String(p.crop_name_en ?? p.crop) }, lang);
  // Days as the card writes them: 30/11/2026 in Vietnamese, 2026-11-30 in English.
  const day = (v: unknown): unknown => (lang === 'vi' ? dateVn(v) : v);
  const shown = (key: string): unknown => {
    if (key === 'status') return labelOf({ vi: statusWithForce(p.status, 'vi'), en: statusWithForce(p.status, 'en') }, lang);
    if (key === 'scheme') return labelOf(SCHEME_LABELS[p.scheme], lang);
    if (key === 'crop_name_vi') return crop;
    if (key === 'variety') return varietiesOf(p);
    const v = p[key];
    if (key === 'issued_on') return day(v);
    if (key === 'area_m2' && typeof v === 'number') return areaText(v, lang);
    if (typeof v === 'number') return numberText(v, lang, 0, 2);
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const row = (label: Words, value: unknown, id = ''): string =>
    `<tr${id ? ` id="${id}"` : ''}><th>${esc(labelOf(label, lang))}</th><td>${esc(value)}</td></tr>`;
  // A suspension or revocation is printed beside the issuing decision (decision_no stays that one):
  // the page is filed, and a code out of force must not read as issued by the suspension.
  const withdrawn = statusDecisionOf(p);
  const rows = PROFILE_FIELDS.map(([key, label]) => {
    const line = row(label, shown(key));
    return key === 'issued_on' && withdrawn
      ? line + row(withdrawn.label, statusDecisionText(withdrawn.decision, lang), 'status-decision')
      : line;
  }).join('');
  // One entry per thing the map draws: each plot's fill, and the north arrow (the scale bar reads by itself).
  const legend = p.plots
    .map(
      (pl, i) =>
        `<li><span class="sw" style="background:${PALETTE[i % PALETTE.length]}"></span>${esc(L('Thửa', 'Plot'))} ${pl.id} — ${esc(numberText(pl.area_m2, lang))} m²</li>`,
    )
    .join('');
  // Each parcel named with the commune of its survey ("Tờ 912 thửa 346, Xã Tân Thuận Tây cũ"), as the
  // card names it: a sheet and number repeat across the old communes merged into one ward.
  const parcels = (pl: PlotDetail): string =>
    pl.parcels.map((x) => `${parcelName(x, lang)} (${numberText(x.sharePct, lang, 0, 2)}%)`).join('; ');
  const list = p.plots
    .map(
      (pl) =>
        `<tr><td>${pl.id}</td><td>${esc(pl.farmer_name)}</td><td>${esc(pl.hamlet)}</td><td>${esc(pl.variety)}</td><td>${esc(day(pl.planting_date))}</td><td class="n">${esc(numberText(pl.area_m2, lang))}</td><td>${esc(parcels(pl))}</td></tr>`,
    )
    .join('');
  const code = p.code ?? `#${p.id}`;
  const title = lang === 'vi' ? `Hồ sơ vùng trồng ${code} / Growing-area profile` : `Growing-area profile ${code} / Hồ sơ vùng trồng`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 12px; color: #111; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 14px 0 6px; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f1f1ea; width: 38%; } .plots th { width: auto; } td.n { text-align: right; }
/* A note keeps the lines its writer broke it into. */
td.note { white-space: pre-line; }
.legend { list-style: none; padding: 0; columns: 2; } .legend li { margin: 2px 0; }
.sw { display: inline-block; width: 14px; height: 10px; border: 1px solid #333; margin-right: 6px; vertical-align: middle; }
/* Browsers leave backgrounds out of print unless told: the swatches are the legend. */
.sw, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
/* A heading stays with what it introduces; the map, the legend and each record keep together when they fit. */
h1, h2 { break-after: avoid; page-break-after: avoid; }
.keep, .map, .legend, tr { break-inside: avoid; page-break-inside: avoid; }
.checklist { list-style: none; margin: 0; padding: 0; } p.none { color: #555; margin: 2px 0; }
.sw.arrow { border: 0; height: auto; text-align: center; font-size: 11px; }
.map { margin: 8px 0; } svg { max-width: 100%; height: auto; }
footer { margin-top: 12px; color: #555; font-size: 10px; }
</style></head>
<body>
<h1>${esc(title)}</h1>
<div>${esc(p.name)} · ${esc(crop)} · ${esc(shown('status'))}</div>
<h2>${esc(L('Thông tin chung', 'Profile'))}</h2>
<table>${rows}</table>
<section class="keep"><h2>${esc(L('Bản đồ', 'Map'))}</h2>
<div class="map">${plotsSvg(p.plots)}</div></section>
<section class="keep"><h2>${esc(L('Chú giải', 'Legend'))}</h2>
<ul class="legend">${legend}<li><span class="sw arrow">▲</span>B/N = ${esc(L('Bắc', 'North'))}</li></ul></section>
<h2>${esc(L('Danh sách thửa', 'Plot list'))}</h2>
<table class="plots" id="dossier-plots"><thead><tr>${[
    L('Thửa', 'Plot'),
    L('Nông hộ', 'Farmer'),
    L('Ấp', 'Hamlet'),
    L('Giống', 'Variety'),
    L('Ngày trồng', 'Planted'),
    L('Diện tích (m²)', 'Area (m²)'),
    L('Thửa đất', 'Parcels'),
  ]
    .map((h) => `<th>${esc(h)}</th>`)
    .join('')}</tr></thead><tbody>${list}</tbody></table>
${recordHtml(moves, inspections, lang)}
<footer>${esc(L('In ngày', 'Printed'))} ${esc(day(vietnamToday()))} · Bản đồ số Cao Lãnh. ${esc(L('Chứa dữ liệu cá nhân: không công bố', 'Contains personal data: not for publication'))}.</footer>
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
        growing_area_code: string | null;
        growing_area_status: string | null;
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
  // The producer is the plot's farmer, else its growing area's registrant (the same rule for the area's
  // file and the communes'). A plot with neither cannot be described: it blocks the file, and the
  // refusal lists every such plot and what would give it a producer, before any other problem.
  const unnamed: EudrProblem[] = rows
    .filter((r) => !r.producer_name?.trim())
    .map((r) => ({
      plotId: String(r.id),
      reason: EUDR_REASONS.NO_PRODUCER,
      message:
        r.growing_area_status === null
          ? `Plot ${r.id} has no farmer and is in no growing area, so nothing names its producer: give it a farmer, or add it to a growing area (whose registrant is then named).`
          : `Plot ${r.id} has no farmer and its growing area names no registrant: give the plot a farmer or the area a registrant.`,
    }));
  const named = unnamed.length ? rows.filter((r) => r.producer_name?.trim()) : rows;
  const input: EudrPlotInput[] = named.map((r) => ({
    plotId: r.id,
    producerName: r.producer_name ?? '',
    producerCountry: 'VN',
    productionPlace: r.production_place,
    areaHa: r.area_ha,
    geometry: r.geometry,
    // The file is served whatever the code's standing (the plots' places are facts an exporter may
    // need for due diligence), but says the code and its status: a suspended code reads as such.
    growingArea: r.growing_area_status === null ? null : { code: r.growing_area_code, status: r.growing_area_status },
  }));
  const built = buildEudrGeoJson(input, { pointsForSmallPlots: options.points });
  if (unnamed.length) {
    const others = built.valid ? [] : built.problems.filter((p) => p.reason !== EUDR_REASONS.EMPTY);
    const ids = unnamed.map((p) => p.plotId);
    const listed = ids.length > 100 ? `${ids.slice(0, 100).join(', ')} (and ${ids.length - 100} more)` : ids.join(', ');
    throw new AppError(
      'VALIDATION_FAILED',
      `The EUDR file would not pass: ${ids.length} plot(s) have no producer to name (no farmer, and no growing area's registrant): ${listed}. Give each a farmer, or add it to a growing area.${others.length ? ` ${others.length} other problem(s) are listed too.` : ''}`,
      { problems: [...unnamed, ...others] },
    );
  }
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
