// Farmers, products, growing areas (mã số vùng trồng) with their plots, lifecycle history,
// inspections, farm diaries and residue tests (DOMAIN.md, Decision 3156/QĐ-BNN-TT). Plots are
// drawn inside the orchard, paddy and vegetable parcels of the city, mostly worked by the
// parcel's owner. Two fixtures sit just on each side of the minimum-area rule: a mango area of
// 0.96 ha (perennial: 1 ha needed) and a vegetable area of 0.15 ha (annual: 0.1 ha needed).
import { CITY_UNITS } from './admin.ts';
import { polygonWkt, ringAreaM2, toLonLat, pointWkt, type LonLat } from './frame.ts';
import type { Layout } from './layout.ts';
import { citizenId, person, phone, type Person } from './names.ts';
import type { ParcelInfo } from './parcels.ts';
import { rng, type Rng } from './random.ts';
import { CREATED, geom, insertRows, STAMP, type Column, type SeedQueryable } from './sql.ts';
import type { Rect } from './subdivide.ts';

/** Ids of the users the history is attributed to. */
export type Staff = { officerId: number; adminId: number; officerName: string };

type Substance = { ai: string; rules: [market: string, allowed: boolean, mrl: number | null, note: string | null][] };

const SAMPLE_MRL = 'MRL là số liệu mẫu: đối chiếu danh mục hiện hành của thị trường';

/** A few real active ingredients; the allowed flags follow the brief and DOMAIN.md, MRLs are sample values. */
const SUBSTANCES: readonly Substance[] = [
  {
    ai: 'Abamectin',
    rules: [
      ['VN', true, 0.02, SAMPLE_MRL],
      ['CN', true, 0.02, SAMPLE_MRL],
      ['US', true, 0.02, SAMPLE_MRL],
      ['EU', true, 0.01, SAMPLE_MRL],
    ],
  },
  {
    ai: 'Azoxystrobin',
    rules: [
      ['VN', true, 0.7, SAMPLE_MRL],
      ['CN', true, 1, SAMPLE_MRL],
      ['US', true, 2, SAMPLE_MRL],
      ['EU', true, 0.7, SAMPLE_MRL],
    ],
  },
  {
    ai: 'Difenoconazole',
    rules: [
      ['VN', true, 0.1, SAMPLE_MRL],
      ['CN', true, 0.1, SAMPLE_MRL],
      ['US', true, 0.6, SAMPLE_MRL],
      ['EU', true, 0.1, SAMPLE_MRL],
    ],
  },
  {
    ai: 'Emamectin benzoate',
    rules: [
      ['VN', true, 0.01, SAMPLE_MRL],
      ['CN', true, 0.02, SAMPLE_MRL],
      ['US', true, 0.01, SAMPLE_MRL],
      ['EU', true, 0.01, SAMPLE_MRL],
    ],
  },
  {
    ai: 'Cypermethrin',
    rules: [
      ['VN', true, 0.7, SAMPLE_MRL],
      ['CN', true, 0.7, SAMPLE_MRL],
      ['US', true, 0.7, SAMPLE_MRL],
      ['EU', true, 0.05, SAMPLE_MRL],
    ],
  },
  {
    // Decision 278/QĐ-BNN-BVTV (2017) took carbendazim (with benomyl and thiophanate-methyl) off
    // Vietnam's list of permitted plant-protection products; its use ended in 2019.
    ai: 'Carbendazim',
    rules: [
      ['VN', false, null, 'Cấm sử dụng tại Việt Nam từ năm 2019 (QĐ 278/QĐ-BNN-BVTV)'],
      ['CN', true, 0.5, SAMPLE_MRL],
      ['US', true, 0.5, SAMPLE_MRL],
      ['EU', false, 0.1, 'Không được phép cho hàng xuất khẩu sang EU'],
    ],
  },
  {
    ai: 'Chlorpyrifos',
    rules: [
      ['VN', false, null, 'Cấm sử dụng tại Việt Nam từ năm 2019'],
      ['EU', false, 0.01, 'Không được phép tại EU'],
    ],
  },
  { ai: 'Glyphosate', rules: [['VN', false, null, 'Cấm sử dụng tại Việt Nam từ năm 2019']] },
  {
    ai: 'Mancozeb',
    rules: [
      ['VN', true, 2, SAMPLE_MRL],
      ['CN', true, 2, SAMPLE_MRL],
      ['US', true, 2, SAMPLE_MRL],
      ['EU', false, 0.05, 'Không còn được phê duyệt tại EU'],
    ],
  },
];

const allowed = (ai: string, market: string): boolean | undefined =>
  SUBSTANCES.find((s) => s.ai === ai)?.rules.find((x) => x[0] === market)?.[1];
const mrl = (ai: string, market: string): number | null =>
  SUBSTANCES.find((s) => s.ai === ai)?.rules.find((x) => x[0] === market)?.[2] ?? null;

const PRODUCTS_BY_AI: Record<string, string> = {
  Abamectin: 'Abamectin 3.6EC',
  Azoxystrobin: 'Azoxystrobin 250SC',
  Difenoconazole: 'Difenoconazole 250EC',
  'Emamectin benzoate': 'Emamectin benzoate 5WG',
  Cypermethrin: 'Cypermethrin 10EC',
  Carbendazim: 'Carbendazim 500SC',
  Chlorpyrifos: 'Chlorpyrifos Ethyl 48EC',
  Glyphosate: 'Glyphosate 480SL',
  Mancozeb: 'Mancozeb 80WP',
};

type Crop = 'mango' | 'rice' | 'lotus' | 'vegetable' | 'chili' | 'longan' | 'pomelo';
const PERENNIAL = new Set<Crop>(['mango', 'longan', 'pomelo']);
const USES: Record<Crop, string[]> = {
  mango: ['CLN', 'LNQ'],
  longan: ['CLN', 'LNQ'],
  pomelo: ['CLN', 'LNQ'],
  rice: ['LUC', 'LUK'],
  lotus: ['LUC', 'LUK'],
  vegetable: ['HNK', 'BHK'],
  chili: ['HNK', 'BHK'],
};
const VARIETIES: Record<Crop, string[]> = {
  mango: ['Xoài Cát Chu', 'Xoài Cát Chu', 'Xoài Cát Hòa Lộc', 'Xoài Keo'],
  longan: ['Nhãn Ido', 'Nhãn da bò'],
  pomelo: ['Bưởi da xanh', 'Bưởi Năm Roi'],
  rice: ['OM 5451', 'ST25', 'Jasmine 85', 'OM 18', 'Đài Thơm 8'],
  lotus: ['Sen hồng', 'Sen Gò Tháp'],
  vegetable: ['Cải xanh', 'Hành lá', 'Rau muống', 'Xà lách'],
  chili: ['Ớt chỉ thiên'],
};
const NAMES: Record<Crop, string> = {
  mango: 'Vùng trồng xoài',
  longan: 'Vùng trồng nhãn',
  pomelo: 'Vùng trồng bưởi',
  rice: 'Vùng lúa chất lượng cao',
  lotus: 'Vùng trồng sen',
  vegetable: 'Vùng rau an toàn',
  chili: 'Vùng trồng ớt',
};
/** Where each crop is grown, by old commune code (mango: Mỹ Ngãi, Tân Thuận Tây, Hòa An). */
const WHERE: Record<Crop, string[]> = {
  mango: ['29890', '29881', '29893', '29890', '29881', '29896'],
  longan: ['29893', '29899'],
  pomelo: ['29899', '29890'],
  rice: ['29884', '29887', '29896', '29884'],
  lotus: ['29884', '29887'],
  vegetable: ['29899', '29878', '29872'],
  chili: ['29899', '29893'],
};
const COOPERATIVES: Record<string, string[]> = {
  '29890': ['HTX Nông nghiệp Tân Thuận Tây', 'HTX Xoài Cát Chu Tân Hậu'],
  '29881': ['HTX Xoài Mỹ Xương', 'Tổ hợp tác xoài Mỹ Ngãi'],
  '29893': ['HTX Xoài Cát Chu Hòa An'],
  '29896': ['HTX Nông nghiệp Tân Thuận Đông'],
  '29884': ['HTX Sen Mỹ Tân', 'HTX Lúa gạo Mỹ Tân'],
  '29887': ['HTX Lúa gạo Mỹ Trà'],
  '29899': ['HTX Rau an toàn Tịnh Thới'],
  '29878': ['Tổ hợp tác rau Phường 6'],
  '29872': ['Tổ hợp tác rau Phường 4'],
};
const COMPANIES = ['Công ty TNHH Trái cây Mẫu Cao Lãnh', 'Công ty CP Nông sản Mẫu Đồng Tháp'];

const STATUSES = [
  'active',
  'active',
  'issued',
  'approved',
  'suspended',
  'revoked',
  'submitted',
  'under_inspection',
  'inspected_pass',
  'inspected_fail',
  'forwarded',
  'draft',
  'superseded',
  'active',
] as const;
type Status = (typeof STATUSES)[number];

type AreaSpec = {
  crop: Crop;
  unitCode: string;
  status: Status;
  export: boolean;
  /** Exact total plot area to reach (the minimum-area fixtures), else a range. */
  exact?: number;
  target: number;
  name?: string;
};

type PlotDraft = { parcels: ParcelInfo[]; rect: Rect; cellOf: ParcelInfo; ring: LonLat[]; area: number };

const addDays = (iso: string, days: number): string => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Math.round(days));
  return d.toISOString().slice(0, 10);
};
const minDate = (a: string, b: string) => (a < b ? a : b);

/** The plot drawn inside a parcel (or two neighbouring ones): its rectangle inset by a metre. */
function plotRing(layout: Layout, info: ParcelInfo, rect: Rect): LonLat[] {
  const { r, c } = info.cell;
  const g = layout.grid;
  const pts = [
    g.point(r, c, rect.t0, rect.s0),
    g.point(r, c, rect.t1, rect.s0),
    g.point(r, c, rect.t1, rect.s1),
    g.point(r, c, rect.t0, rect.s1),
  ].map((p) => toLonLat(p[0], p[1]));
  return [...pts, pts[0]!];
}

function inset(rect: Rect, by: number): Rect {
  return { t0: rect.t0 + by, t1: rect.t1 - by, s0: rect.s0 + by, s1: rect.s1 - by };
}

/** Shrinks a plot along its longer side so that its area becomes `want` m². */
function shrinkTo(layout: Layout, info: ParcelInfo, rect: Rect, want: number): { rect: Rect; ring: LonLat[]; area: number } {
  let cur = { rect, ring: plotRing(layout, info, rect), area: 0 };
  cur.area = ringAreaM2(cur.ring);
  for (let i = 0; i < 4 && Math.abs(cur.area - want) > 5; i++) {
    const f = want / cur.area;
    const long = rect.t1 - rect.t0 > rect.s1 - rect.s0;
    const next = long
      ? { ...cur.rect, t1: cur.rect.t0 + Math.max(20, Math.round((cur.rect.t1 - cur.rect.t0) * f)) }
      : { ...cur.rect, s1: cur.rect.s0 + Math.max(20, Math.round((cur.rect.s1 - cur.rect.s0) * f)) };
    const ring = plotRing(layout, info, next);
    cur = { rect: next, ring, area: ringAreaM2(ring) };
  }
  return cur;
}

/** Writes the agriculture tables for the city's parcels; returns the farmer who gets the sample farmer account (none in a run without farmland). */
export async function writeAgriculture(
  q: SeedQueryable,
  seed: number,
  layout: Layout,
  parcels: readonly ParcelInfo[],
  staff: Staff,
  cityParcels: number,
): Promise<{ farmerId: number; farmerName: string } | undefined> {
  const unitCode = (info: ParcelInfo) => layout.units[info.unit]!.code;
  const wardOf = new Map(CITY_UNITS.map((u) => [u.code, u.ward]));
  const unitName = new Map(CITY_UNITS.map((u) => [u.code, u.name]));

  // Substances.
  await insertRows(
    q,
    'allowed_substances',
    [
      { name: 'active_ingredient', type: 'text' },
      { name: 'market', type: 'text' },
      { name: 'allowed', type: 'boolean' },
      { name: 'mrl_mg_kg', type: 'numeric' },
      { name: 'note', type: 'text' },
    ],
    SUBSTANCES.flatMap((s) => s.rules.map(([m, ok, limit, note]) => [s.ai, m, ok, limit, note])),
  );

  // Candidate parcels by old commune and recorded use, in a stable order.
  const byKey = new Map<string, ParcelInfo[]>();
  const at = new Map<string, ParcelInfo>();
  for (const p of parcels) {
    if (p.lot.role !== 'strip') continue;
    const k = `${unitCode(p)}:${p.lot.use}`;
    const list = byKey.get(k) ?? [];
    list.push(p);
    byKey.set(k, list);
    at.set(`${p.cell.r}:${p.cell.c}:${p.lot.t0}:${p.lot.s0}`, p);
  }
  const used = new Set<number>();
  const candidates = (crop: Crop, code: string) =>
    USES[crop].flatMap((u) => byKey.get(`${code}:${u}`) ?? []).filter((p) => !used.has(p.id));

  // The areas to build: the two minimum-area fixtures, the sample farmer's area, then a spread of statuses.
  const count = Math.min(100, Math.max(18, Math.round(cityParcels / 600)));
  const specs: AreaSpec[] = [
    {
      crop: 'mango',
      unitCode: '29890',
      status: 'draft',
      export: false,
      exact: 9600,
      target: 9600,
      name: 'Vùng trồng xoài ấp Tân Hậu (mở rộng)',
    },
    {
      crop: 'vegetable',
      unitCode: '29899',
      status: 'draft',
      export: false,
      exact: 1500,
      target: 1500,
      name: 'Vùng rau an toàn Tịnh Thới (tổ 2)',
    },
    { crop: 'mango', unitCode: '29890', status: 'active', export: true, target: 25_000, name: 'Vùng trồng xoài Cát Chu ấp Tân Hậu' },
  ];
  const crops: readonly (readonly [Crop, number])[] = [
    ['mango', 0.5],
    ['rice', 0.2],
    ['lotus', 0.06],
    ['vegetable', 0.1],
    ['chili', 0.04],
    ['longan', 0.05],
    ['pomelo', 0.05],
  ];
  for (let i = 0; specs.length < count; i++) {
    const r = rng(seed, 'area-spec', i);
    const status: Status = STATUSES[i % STATUSES.length]!;
    // Forwarding and importer approval exist only for export codes; an issued code is domestic.
    const needsExport = status === 'forwarded' || status === 'approved';
    const crop = needsExport ? 'mango' : r.weighted(crops);
    const exportable = needsExport || (status !== 'issued' && PERENNIAL.has(crop) && r.chance(0.45));
    const target = PERENNIAL.has(crop) ? r.range(12_000, 45_000) : r.range(2_000, 20_000);
    specs.push({ crop, unitCode: r.pick(WHERE[crop]), status, export: exportable, target });
  }

  // Plots: nearest free candidate parcels around a starting parcel until the area is reached.
  type Area = { spec: AreaSpec; id: number; plots: PlotDraft[] };
  const areas: Area[] = [];
  let areaId = 0;
  for (const [i, spec] of specs.entries()) {
    let pool = candidates(spec.crop, spec.unitCode);
    if (!pool.length) {
      // Not enough parcels of that commune in a small run: take the crop's land anywhere in the city.
      for (const code of CITY_UNITS.map((u) => u.code)) {
        pool = candidates(spec.crop, code);
        if (pool.length) {
          spec.unitCode = code;
          break;
        }
      }
    }
    if (!pool.length) continue;
    const r = rng(seed, 'area-plots', i);
    const start = r.pick(pool);
    pool.sort(
      (a, b) =>
        Math.hypot(a.centre[0] - start.centre[0], a.centre[1] - start.centre[1]) -
          Math.hypot(b.centre[0] - start.centre[0], b.centre[1] - start.centre[1]) || a.id - b.id,
    );
    const plots: PlotDraft[] = [];
    let total = 0;
    for (const p of pool) {
      if (total >= spec.target || plots.length >= 40) break;
      if (used.has(p.id)) continue;
      used.add(p.id);
      let rect = inset(p.lot, 10);
      const members = [p];
      // One plot in five spans the neighbouring strip too, so it covers two parcels.
      const next = at.get(`${p.cell.r}:${p.cell.c}:${p.lot.t1}:${p.lot.s0}`);
      if (
        !spec.exact &&
        next &&
        !used.has(next.id) &&
        next.lot.s1 === p.lot.s1 &&
        USES[spec.crop].includes(next.lot.use) &&
        r.chance(0.2)
      ) {
        used.add(next.id);
        members.push(next);
        rect = inset({ ...p.lot, t1: next.lot.t1 }, 10);
      }
      const ring = plotRing(layout, p, rect);
      const area = ringAreaM2(ring);
      plots.push({ parcels: members, rect, cellOf: p, ring, area });
      total += area;
    }
    if (spec.exact) {
      // Trim the last plot so the fixture lands exactly on its size.
      const last = plots[plots.length - 1];
      if (!last || total < spec.exact) continue;
      const shrunk = shrinkTo(layout, last.cellOf, last.rect, spec.exact - (total - last.area));
      Object.assign(last, shrunk);
    }
    areas.push({ spec, id: ++areaId, plots });
  }

  // Farmers: the owner of the plot's first parcel where there is one; a farmer may work two plots.
  type Farmer = { id: number; person: Person; citizen: string; unitCode: string; hamlet: string };
  const farmers: Farmer[] = [];
  const farmerByOwner = new Map<string, Farmer>();
  const plotFarmer = new Map<PlotDraft, Farmer>();
  // One farmer per citizen ID (migration 024's unique index): an ID drawn twice (six random digits
  // per sex and birth year) takes the next free number, so the same seed gives the same IDs.
  const citizensTaken = new Set<string>();
  const uniqueCitizen = (id: string): string => {
    let n = Number(id.slice(6));
    let next = id;
    while (citizensTaken.has(next)) {
      n = (n + 1) % 1_000_000;
      next = `${id.slice(0, 6)}${String(n).padStart(6, '0')}`;
    }
    citizensTaken.add(next);
    return next;
  };
  for (const area of areas) {
    let prev: Farmer | undefined;
    for (const [j, plot] of area.plots.entries()) {
      const p = plot.parcels[0]!;
      const r = rng(seed, 'farmer', area.id, j);
      if (prev && r.chance(0.25)) {
        plotFarmer.set(plot, prev);
        continue;
      }
      const key = p.owner?.citizenId ?? `plot:${area.id}:${j}`;
      let f = farmerByOwner.get(key);
      if (!f) {
        const who: Person = p.owner ? { name: p.owner.name, female: p.owner.female, born: p.owner.born } : person(r);
        const unit = layout.units[p.unit]!;
        f = {
          id: farmers.length + 1,
          person: who,
          citizen: uniqueCitizen(p.owner?.citizenId ?? citizenId(who, r)),
          unitCode: unit.code,
          hamlet: unit.hamlets[p.cell.hamlet] ?? unit.hamlets[0]!,
        };
        farmers.push(f);
        farmerByOwner.set(key, f);
      }
      plotFarmer.set(plot, f);
      prev = f;
    }
  }
  // Households that sell produce without a growing area.
  const productCount = Math.min(300, Math.max(24, Math.round(cityParcels / 250)));
  const homes = parcels.filter(
    (p) => p.lot.role === 'front' || (p.lot.role === 'strip' && ['CLN', 'LUC', 'NTS', 'HNK'].includes(p.lot.use)),
  );
  const householdFarmers: { farmer: Farmer; parcel: ParcelInfo }[] = [];
  for (let i = 0; i < Math.round(productCount * 0.6) && homes.length; i++) {
    const r = rng(seed, 'household', i);
    const p = homes[Math.floor(r.next() * homes.length)]!;
    const unit = layout.units[p.unit]!;
    const who = person(r);
    const f: Farmer = {
      id: farmers.length + 1,
      person: who,
      citizen: uniqueCitizen(citizenId(who, r)),
      unitCode: unit.code,
      hamlet: unit.hamlets[p.cell.hamlet] ?? unit.hamlets[0]!,
    };
    farmers.push(f);
    householdFarmers.push({ farmer: f, parcel: p });
  }
  // Card codes as the registry issues them (server/registry/farmers.service.ts newLookupCode:
  // "ND-7K3M-Q9XP", the form the card field's hint shows); the sample once said "NT-", and a farmer
  // comparing a card with the hint thought it the wrong one (audit s16). Older "NT-" cards still work:
  // a look-up compares the whole code.
  const lookup = (r: Rng) => {
    const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    const part = () => Array.from({ length: 4 }, () => alphabet[Math.floor(r.next() * alphabet.length)]).join('');
    return `ND-${part()}-${part()}`;
  };
  await insertRows(
    q,
    'farmers',
    [
      { name: 'id', type: 'bigint' },
      { name: 'lookup_code', type: 'text' },
      { name: 'commune_code', type: 'text' },
      { name: 'hamlet', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
    ],
    farmers.map((f) => [
      f.id,
      lookup(rng(seed, 'lookup', f.id)),
      wardOf.get(f.unitCode) ?? f.unitCode,
      f.hamlet,
      '2024-01-15T08:00:00+07:00',
    ]),
  );
  await insertRows(
    q,
    'farmer_private',
    [
      { name: 'farmer_id', type: 'bigint' },
      { name: 'full_name', type: 'text' },
      { name: 'citizen_id', type: 'text' },
      { name: 'phone', type: 'text' },
      { name: 'address', type: 'text' },
    ],
    farmers.map((f) => {
      const r = rng(seed, 'farmer-private', f.id);
      const old = `${f.hamlet}, ${unitName.get(f.unitCode) ?? ''}, Thành phố Cao Lãnh, Đồng Tháp`;
      const ward = CITY_UNITS.find((u) => u.code === f.unitCode)?.ward;
      const now = `${f.hamlet}, ${ward === '29884' ? 'Phường Mỹ Ngãi' : ward === '29888' ? 'Phường Mỹ Trà' : 'Phường Cao Lãnh'}, Đồng Tháp`;
      return [f.id, f.person.name, f.citizen, phone(r), r.chance(0.5) ? old : now];
    }),
  );

  // Growing areas with their history.
  const areaRows: unknown[][] = [];
  const transitions: unknown[][] = [];
  const inspections: unknown[][] = [];
  const codeSeq = { domestic: new Map<string, number>(), puc: 0 };
  const CHECKLIST = [
    'Hồ sơ, nhật ký canh tác ghi chép đầy đủ',
    'Không sử dụng thuốc BVTV ngoài danh mục',
    'Vệ sinh đồng ruộng, thu gom bao bì thuốc BVTV',
    'Giám sát sinh vật gây hại định kỳ',
    'Ranh giới vùng trồng khớp với bản đồ',
    'Có cán bộ kỹ thuật được tập huấn',
  ];
  let nextAreaId = 0;
  const plotRows: unknown[][] = [];
  const diary: unknown[][] = [];
  const residues: unknown[][] = [];
  let plotId = 0;
  for (const area of areas) {
    const { spec } = area;
    const r = rng(seed, 'area', area.id);
    const ward = wardOf.get(spec.unitCode) ?? spec.unitCode;
    const variety = r.pick(VARIETIES[spec.crop]);
    const members = new Set(area.plots.map((p) => plotFarmer.get(p)!.id));
    const coop = r.chance(0.8) ? r.pick(COOPERATIVES[spec.unitCode] ?? COOPERATIVES['29890']!) : undefined;
    const kind = coop ? 'cooperative' : r.chance(0.5) ? 'company' : 'person';
    const firstFarmer = plotFarmer.get(area.plots[0]!)!;
    const registrant = coop ?? (kind === 'company' ? r.pick(COMPANIES) : `Hộ sản xuất ${lookup(rng(seed, 'lookup', firstFarmer.id))}`);
    const markets = spec.export
      ? r.weighted([
          ['{CN}', 0.45],
          ['{US}', 0.2],
          ['{CN,US}', 0.2],
          ['{EU}', 0.15],
        ] as const)
      : '{}';
    const scheme = spec.export ? 'export-puc' : 'domestic-3156';
    const steps: [string, string, string | null][] = [];
    const step = (from: string, to: string, decision: string | null = null) => void steps.push([from, to, decision]);
    const statusPath = (target: Status): void => {
      if (target === 'draft') return;
      step('draft', 'submitted');
      if (target === 'submitted') return;
      step('submitted', 'under_inspection');
      if (target === 'under_inspection') return;
      if (target === 'inspected_fail') {
        step('under_inspection', 'inspected_fail');
        return;
      }
      step('under_inspection', 'inspected_pass');
      if (target === 'inspected_pass') return;
      if (spec.export) {
        step('inspected_pass', 'forwarded', `${r.int(100, 999)}/TTBVTV-KD`);
        if (target === 'forwarded') return;
        step('forwarded', 'approved', `${r.int(100, 999)}/BVTV-KD`);
        if (target === 'approved') return;
        step('approved', 'active');
      } else {
        step('inspected_pass', 'issued', `${r.int(10, 999)}/QĐ-SNN`);
        if (target === 'issued') return;
        step('issued', 'active');
      }
      if (target === 'active' || target === 'superseded') {
        if (r.chance(0.3)) {
          step('active', 'suspended', `${r.int(10, 999)}/QĐ-SNN`);
          step('suspended', 'active', `${r.int(10, 999)}/QĐ-SNN`);
        }
        if (target === 'superseded') step('active', 'superseded', `${r.int(10, 999)}/QĐ-SNN`);
        return;
      }
      step('active', 'suspended', `${r.int(10, 999)}/QĐ-SNN`);
      if (target === 'revoked') step('suspended', 'revoked', `${r.int(10, 999)}/QĐ-SNN`);
    };
    const hasCode = ['issued', 'approved', 'active', 'suspended', 'revoked', 'superseded'].includes(spec.status);
    statusPath(spec.status);
    let code: string | null = null;
    const makeCode = (issued: string): string => {
      if (spec.export) {
        codeSeq.puc += 1;
        return `VN-DTOR-${String(codeSeq.puc + 100).padStart(4, '0')}`;
      }
      const n = (codeSeq.domestic.get(spec.unitCode) ?? 0) + 1;
      codeSeq.domestic.set(spec.unitCode, n);
      const yy = issued.slice(2, 4);
      // Codes issued before the 2025 reorganisation follow 3156 (province 87, district 866, old commune);
      // the new province's pattern is not settled, so later ones are the province's opaque sequence.
      return issued < '2025-07-01'
        ? `VN-87-866-${spec.unitCode}-${String(n).padStart(2, '0')}-${yy}`
        : `VN-DTMS-${ward}-${String(n).padStart(4, '0')}-${yy}`;
    };
    // Registered between 2022 and early 2025; each step weeks to months after the previous one.
    let d = addDays('2022-01-10', r.int(0, 1150));
    const dated = steps.map((s, k) => {
      const rr = rng(seed, 'transition', area.id, k);
      const gap =
        s[1] === 'approved'
          ? rr.range(60, 180)
          : s[1] === 'suspended'
            ? rr.range(120, 300)
            : s[1] === 'superseded'
              ? rr.range(200, 400)
              : rr.range(7, 45);
      d = minDate(addDays(d, gap), '2025-12-20');
      return { from: s[0], to: s[1], decision: s[2], date: d };
    });
    const issueDate = dated.find((t) => t.to === 'issued' || t.to === 'approved')?.date ?? null;
    if (hasCode && issueDate) code = makeCode(issueDate);
    const officerName = staff.officerName;
    const harvests = spec.crop === 'rice' ? r.int(2, 3) : spec.crop === 'mango' ? r.int(1, 2) : PERENNIAL.has(spec.crop) ? 1 : r.int(3, 6);
    const totalHa = area.plots.reduce((s, p) => s + p.area, 0) / 10_000;
    const yieldPerHa = spec.crop === 'rice' ? 6.5 : spec.crop === 'mango' ? 12 : spec.crop === 'lotus' ? 2 : 15;
    const base = (id: number, status: string, version: number, previous: number | null, lineage: number) => [
      id,
      lineage,
      version,
      previous,
      code,
      scheme,
      markets,
      spec.name ??
        `${NAMES[spec.crop]} ${firstFarmer.hamlet.toLowerCase().startsWith('ấp') || firstFarmer.hamlet.startsWith('Khóm') ? firstFarmer.hamlet.replace(/^Ấp/, 'ấp').replace(/^Khóm/, 'khóm') : firstFarmer.hamlet}, ${unitName.get(spec.unitCode)}`,
      spec.crop,
      variety,
      status,
      kind,
      registrant,
      phone(r),
      officerName,
      ward,
      members.size,
      harvests,
      Math.round(totalHa * yieldPerHa * harvests * 10) / 10,
      r.chance(0.6) ? (spec.export ? 'GlobalGAP' : 'VietGAP') : null,
      r.chance(0.4) ? `Giấy chứng nhận ${spec.export ? 'GlobalGAP' : 'VietGAP'} số ${r.int(100, 9999)}` : null,
      dated.find((t) => t.to === 'issued' || t.to === 'approved')?.decision ?? null,
      issueDate,
      staff.officerId,
    ];
    let currentId: number;
    if (spec.status === 'superseded') {
      // Re-issued: version 1 superseded, version 2 (same code, same lineage) active with the plots.
      const v1 = ++nextAreaId;
      const v2 = ++nextAreaId;
      areaRows.push(base(v1, 'superseded', 1, null, v1));
      areaRows.push(base(v2, 'active', 2, v1, v1));
      currentId = v2;
      for (const t of dated) transitions.push([v1, t.from, t.to, staff.officerId, `${t.date}T09:00:00+07:00`, t.decision, null, '[]']);
      const last = dated[dated.length - 1]?.date ?? '2025-06-01';
      transitions.push([
        v2,
        'draft',
        'active',
        staff.officerId,
        `${last}T10:00:00+07:00`,
        `${r.int(10, 999)}/QĐ-SNN`,
        'Cấp lại do thay đổi diện tích vùng trồng',
        '[]',
      ]);
    } else {
      currentId = ++nextAreaId;
      areaRows.push(base(currentId, spec.status, 1, null, currentId));
      for (const [k, t] of dated.entries()) {
        const attachments =
          t.to === 'submitted'
            ? JSON.stringify([{ name: 'to-khai-vung-trong.pdf', mime: 'application/pdf', bytes: 180_000 + k * 1000 }])
            : '[]';
        transitions.push([
          currentId,
          t.from,
          t.to,
          staff.officerId,
          `${t.date}T09:00:00+07:00`,
          t.decision,
          t.to === 'suspended'
            ? 'Phát hiện sử dụng thuốc BVTV không đúng danh mục'
            : t.to === 'revoked'
              ? 'Không khắc phục sau thời hạn đình chỉ'
              : null,
          attachments,
        ]);
      }
    }
    // Inspections at the inspection step, and periodic supervision of active areas.
    const inspected = dated.find((t) => t.to === 'inspected_pass' || t.to === 'inspected_fail');
    if (inspected) {
      const fail = inspected.to === 'inspected_fail';
      inspections.push([
        currentId,
        staff.officerId,
        inspected.date,
        JSON.stringify(
          CHECKLIST.map((item, k) => ({
            item,
            ok: !(fail && (k === 0 || k === 3)),
            note: fail && k === 0 ? 'Nhật ký thiếu 3 tháng gần nhất' : fail && k === 3 ? 'Chưa có sổ theo dõi sinh vật gây hại' : null,
          })),
        ),
        fail ? 'fail' : 'pass',
        fail ? 'Yêu cầu bổ sung hồ sơ và kiểm tra lại' : 'Đạt yêu cầu cấp mã số vùng trồng',
      ]);
    }
    if (spec.status === 'active') {
      inspections.push([
        currentId,
        staff.officerId,
        minDate(addDays(inspected?.date ?? '2024-06-01', 365), '2025-12-15'),
        JSON.stringify(CHECKLIST.map((item) => ({ item, ok: true, note: null }))),
        'pass',
        'Giám sát định kỳ: duy trì điều kiện',
      ]);
    }
    // Plots, diaries, residue tests.
    const marketList = markets.replace(/[{}]/g, '').split(',').filter(Boolean);
    for (const [j, plot] of area.plots.entries()) {
      const id = ++plotId;
      const farmer = plotFarmer.get(plot)!;
      const rp = rng(seed, 'plot', id);
      const planted = PERENNIAL.has(spec.crop)
        ? `${rp.int(2005, 2020)}-${String(rp.int(1, 12)).padStart(2, '0')}-15`
        : addDays('2025-11-01', rp.int(0, 40));
      const harvest = PERENNIAL.has(spec.crop)
        ? addDays('2026-03-01', rp.int(0, 90))
        : addDays(planted, spec.crop === 'rice' ? 95 : spec.crop === 'lotus' ? 120 : 45);
      plotRows.push([
        id,
        farmer.id,
        currentId,
        wardOf.get(layout.units[plot.cellOf.unit]!.code) ?? ward,
        spec.crop,
        variety,
        planted,
        harvest,
        polygonWkt([plot.ring]),
        staff.officerId,
      ]);
      if (spec.status !== 'draft') {
        const entries = rp.int(2, 5);
        for (let k = 0; k < entries; k++) {
          // A few entries use a banned ingredient, or one the area's market refuses: the registry flags them.
          const ai =
            j === 0 && k === 0 && area.id % 5 === 0
              ? 'Chlorpyrifos'
              : j === 0 && k === 0 && marketList.includes('EU')
                ? 'Carbendazim'
                : rp.pick(['Abamectin', 'Azoxystrobin', 'Difenoconazole', 'Emamectin benzoate', 'Cypermethrin', 'Mancozeb']);
          const reasons = [
            allowed(ai, 'VN') === false ? 'Hoạt chất cấm sử dụng tại Việt Nam' : null,
            ...marketList.map((m) => (allowed(ai, m) === false ? `Không được phép cho thị trường ${m}` : null)),
          ].filter(Boolean);
          diary.push([
            id,
            addDays('2025-01-05', rp.int(0, 330)),
            PRODUCTS_BY_AI[ai]!,
            ai,
            `${rp.int(10, 40)} ml/bình 16 lít`,
            rp.int(7, 21),
            reasons.length > 0,
            reasons.length ? reasons.join('; ') : null,
            staff.officerId,
          ]);
        }
      }
      if (spec.export && ['approved', 'active', 'suspended', 'forwarded'].includes(spec.status) && rp.chance(0.5)) {
        const ai = rp.pick(['Abamectin', 'Azoxystrobin', 'Difenoconazole', 'Cypermethrin']);
        const limit = Math.min(...marketList.map((m) => mrl(ai, m) ?? Infinity), mrl(ai, 'VN') ?? Infinity);
        const result = rp.chance(0.1) ? limit * rp.range(1.2, 3) : limit * rp.range(0, 0.6);
        residues.push([
          id,
          addDays('2025-03-01', rp.int(0, 250)),
          'Trung tâm Kiểm định và Khảo nghiệm thuốc BVTV phía Nam',
          ai,
          Math.round(result * 10_000) / 10_000,
          result <= limit,
        ]);
      }
    }
  }

  const areaCols: Column[] = [
    { name: 'id', type: 'bigint' },
    { name: 'lineage_id', type: 'bigint' },
    { name: 'version_no', type: 'integer' },
    { name: 'previous_id', type: 'bigint' },
    { name: 'code', type: 'text' },
    { name: 'scheme', type: 'text' },
    { name: 'markets', type: 'text', expr: (x) => `${x}::text[]` },
    { name: 'name', type: 'text' },
    { name: 'crop', type: 'text' },
    { name: 'variety', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'registrant_kind', type: 'text' },
    { name: 'registrant_name', type: 'text' },
    { name: 'registrant_contact', type: 'text' },
    { name: 'technical_officer', type: 'text' },
    { name: 'commune_code', type: 'text' },
    { name: 'households', type: 'integer' },
    { name: 'harvests_per_year', type: 'integer' },
    { name: 'expected_yield_tonnes', type: 'numeric' },
    { name: 'standard', type: 'text' },
    { name: 'certificates', type: 'text' },
    { name: 'decision_no', type: 'text' },
    { name: 'issued_on', type: 'date' },
    { name: 'created_by', type: 'bigint' },
  ];
  await insertRows(q, 'growing_areas', areaCols, areaRows, STAMP);
  await insertRows(
    q,
    'growing_area_transitions',
    [
      { name: 'growing_area_id', type: 'bigint' },
      { name: 'from_status', type: 'text' },
      { name: 'to_status', type: 'text' },
      { name: 'actor_id', type: 'bigint' },
      { name: 'at', type: 'timestamptz' },
      { name: 'decision_no', type: 'text' },
      { name: 'note', type: 'text' },
      { name: 'attachments', type: 'text', expr: (x) => `${x}::jsonb` },
    ],
    transitions,
  );
  await insertRows(
    q,
    'inspections',
    [
      { name: 'growing_area_id', type: 'bigint' },
      { name: 'inspector_id', type: 'bigint' },
      { name: 'inspected_on', type: 'date' },
      { name: 'checklist', type: 'text', expr: (x) => `${x}::jsonb` },
      { name: 'conclusion', type: 'text' },
      { name: 'notes', type: 'text' },
    ],
    inspections,
    CREATED,
  );
  for (let i = 0; i < plotRows.length; i += 1000) {
    await insertRows(
      q,
      'plots',
      [
        { name: 'id', type: 'bigint' },
        { name: 'farmer_id', type: 'bigint' },
        { name: 'growing_area_id', type: 'bigint' },
        { name: 'commune_code', type: 'text' },
        { name: 'crop', type: 'text' },
        { name: 'variety', type: 'text' },
        { name: 'planting_date', type: 'date' },
        { name: 'expected_harvest', type: 'date' },
        geom(),
        { name: 'created_by', type: 'bigint' },
      ],
      plotRows.slice(i, i + 1000),
      STAMP,
    );
  }
  // Which parcels each plot covers and how much: the same function the plot triggers use (skipped in bulk).
  await q.exec(`SELECT link_plot_parcels(id) FROM plots ORDER BY id`);
  await q.exec(`SELECT refresh_growing_area(id) FROM growing_areas`);
  // The shape is part of the seeded row, not an edit of it: the version trigger (migration 020) took
  // the refresh for one. Each area starts at version 1, stamped with the seed's time like every row.
  await q.exec(`UPDATE growing_areas SET version = 1, updated_at = ${STAMP.updated_at} WHERE version <> 1`);
  // A revoked area keeps the record of the plots it had (migration 017), as the registry's revocation writes it.
  await q.exec(`SELECT close_growing_area(id) FROM growing_areas WHERE status = 'revoked'`);
  await insertRows(
    q,
    'diary_entries',
    [
      { name: 'plot_id', type: 'bigint' },
      { name: 'applied_on', type: 'date' },
      { name: 'pesticide', type: 'text' },
      { name: 'active_ingredient', type: 'text' },
      { name: 'dose', type: 'text' },
      { name: 'phi_days', type: 'integer' },
      { name: 'flagged', type: 'boolean' },
      { name: 'flag_reason', type: 'text' },
      { name: 'created_by', type: 'bigint' },
    ],
    diary,
    CREATED,
  );
  await insertRows(
    q,
    'residue_tests',
    [
      { name: 'plot_id', type: 'bigint' },
      { name: 'sampled_on', type: 'date' },
      { name: 'lab', type: 'text' },
      { name: 'active_ingredient', type: 'text' },
      { name: 'result_mg_kg', type: 'numeric' },
      { name: 'passed', type: 'boolean' },
    ],
    residues,
  );

  // Products: households, cooperatives and companies with what they sell.
  const productRows: unknown[][] = [];
  const HOUSEHOLD_PRODUCTS: readonly (readonly [[string, string, string], number])[] = [
    [['Xoài Cát Chu', 'fruit', 'quanh năm'], 0.32],
    [['Lúa', 'rice', 'Đông Xuân'], 0.2],
    [['Lúa', 'rice', 'Hè Thu'], 0.08],
    [['Sen', 'other', 'Hè Thu'], 0.07],
    [['Cá tra', 'aquaculture', 'quanh năm'], 0.06],
    [['Cá lóc', 'aquaculture', 'quanh năm'], 0.05],
    [['Rau màu', 'vegetable', 'quanh năm'], 0.1],
    [['Ớt', 'vegetable', 'Đông Xuân'], 0.04],
    [['Hoa kiểng', 'flower', 'Tết'], 0.05],
    [['Heo', 'livestock', 'quanh năm'], 0.03],
  ];
  for (const { farmer, parcel } of householdFarmers) {
    const r = rng(seed, 'product', farmer.id);
    const [product, category, season] = r.weighted(HOUSEHOLD_PRODUCTS);
    const unit = layout.units[parcel.unit]!;
    productRows.push([
      'household',
      null,
      farmer.id,
      product,
      category,
      season,
      Math.round(r.range(0.5, 40) * 10) / 10,
      `${farmer.hamlet}, ${unit.name}`,
      wardOf.get(unit.code) ?? unit.code,
      pointWkt(parcel.centre),
    ]);
  }
  const orgs = Object.entries(COOPERATIVES).flatMap(([code, names]) => names.map((n) => [code, n] as const));
  for (const [i, [code, name]] of [...orgs, ...COMPANIES.map((n) => ['29869', n] as const)].entries()) {
    const r = rng(seed, 'org-product', i);
    const home = parcels.filter((p) => layout.units[p.unit]!.code === code);
    const p = home.length ? home[Math.floor(r.next() * home.length)]! : parcels[Math.floor(r.next() * parcels.length)];
    if (!p) continue;
    const unit = layout.units[p.unit]!;
    const isCompany = COMPANIES.includes(name);
    const product =
      name.includes('Xoài') || isCompany
        ? 'Xoài Cát Chu'
        : name.includes('Sen')
          ? 'Sen'
          : name.includes('Lúa')
            ? 'Lúa'
            : name.includes('Rau') || name.includes('rau')
              ? 'Rau an toàn'
              : r.pick(['Xoài Cát Chu', 'Lúa']);
    const category = product === 'Xoài Cát Chu' ? 'fruit' : product === 'Lúa' ? 'rice' : product === 'Sen' ? 'other' : 'vegetable';
    productRows.push([
      isCompany ? 'company' : 'cooperative',
      name,
      null,
      product,
      category,
      product === 'Lúa' ? 'Đông Xuân' : 'quanh năm',
      Math.round(r.range(50, 1200)),
      `${unit.hamlets[p.cell.hamlet] ?? ''}, ${unit.name}`,
      wardOf.get(unit.code) ?? unit.code,
      pointWkt(p.centre),
    ]);
  }
  await insertRows(
    q,
    'products',
    [
      { name: 'producer_kind', type: 'text' },
      { name: 'producer_name', type: 'text' },
      { name: 'farmer_id', type: 'bigint' },
      { name: 'product', type: 'text' },
      { name: 'category', type: 'text' },
      { name: 'season', type: 'text' },
      { name: 'volume_tonnes', type: 'numeric' },
      { name: 'address', type: 'text' },
      { name: 'commune_code', type: 'text' },
      geom(),
    ],
    productRows,
    STAMP,
  );

  const sampleArea = areas.find((a) => a.spec.name === 'Vùng trồng xoài Cát Chu ấp Tân Hậu') ?? areas.find((a) => a.plots.length > 0);
  const sampleFarmer = sampleArea ? plotFarmer.get(sampleArea.plots[0]!) : farmers[0];
  return sampleFarmer ? { farmerId: sampleFarmer.id, farmerName: sampleFarmer.person.name } : undefined;
}
