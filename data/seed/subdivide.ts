// How one grid cell is cut into cadastral parcels, in the cell's own integer parameters (t across
// its column, s across its row, both in decimetres). The cuts follow the delta: long narrow strips
// running back from a canal or road with a house lot at the front, a back line halfway between two
// canals, and in the urban core small lots back to back between local streets. A cell's plan
// depends only on the seed and the cell, so it can be recomputed whenever a neighbour needs it.
import type { Track } from './grid.ts';
import type { Cell, Layout, Unit } from './layout.ts';
import { STREETS, trackName } from './names.ts';
import { rng, type Rng } from './random.ts';

/** A rectangle in a cell's parameters; its image is a quadrilateral with straight edges. */
export type Rect = { t0: number; t1: number; s0: number; s1: number };

/** What a parcel is in its cell: a field strip, a house lot at its front, a town lot, a public lot, a corridor piece. */
export type Role = 'strip' | 'front' | 'urban' | 'inst' | 'street' | 'road' | 'canal' | 'junction';

/** A parcel in cell parameters with its land use as recorded (possibly a legacy code) and the street it faces. */
export type Lot = Rect & { use: string; role: Role; street?: string };

/** A land-use polygon of a map layer in cell parameters (current codes only). */
export type Zoned = Rect & { use: string };

/** Parcels of these roles may be any size; every other parcel is 200 to 5,000 m². */
export const CORRIDOR_ROLES: ReadonlySet<Role> = new Set(['street', 'road', 'canal', 'junction']);

/** Bounds every non-corridor parcel is designed within, inside the 200–5,000 m² the brief allows. */
const MIN_M2 = 270;
const MAX_M2 = 4700;

const LEGACY_TO_CURRENT: Readonly<Record<string, string>> = { LNQ: 'CLN', BHK: 'HNK' };

/** The current code of a recorded one (legacy codes of old certificates map forward). */
export function currentCode(code: string): string {
  return LEGACY_TO_CURRENT[code] ?? code;
}

/** Splits `total` units into integer lengths between min and max, near `target`, in random proportions. */
export function split(total: number, min: number, max: number, target: number, r: Rng): number[] {
  const lo = Math.ceil(total / Math.max(max, 1));
  const hi = Math.max(1, Math.floor(total / Math.max(min, 1)));
  const n = Math.max(1, Math.min(Math.max(Math.round(total / target), lo), hi));
  const weights = Array.from({ length: n }, () => r.range(0.75, 1.25));
  const sum = weights.reduce((s, w) => s + w, 0);
  const out: number[] = [];
  let acc = 0;
  let prev = 0;
  for (const w of weights) {
    acc += w;
    const next = Math.round((acc / sum) * total);
    out.push(next - prev);
    prev = next;
  }
  if (out.every((x) => x >= min && x <= max)) return out;
  // Random proportions broke a bound: fall back to equal parts, which fit by the choice of n.
  const even: number[] = [];
  prev = 0;
  for (let i = 1; i <= n; i++) {
    const next = Math.round((i / n) * total);
    even.push(next - prev);
    prev = next;
  }
  return even;
}

const frontage = (t: Track | undefined): number =>
  !t ? 0 : t.kind === 'road' ? (t.roadClass === 'national' || t.roadClass === 'provincial' ? 4 : 3) : t.kind === 'block' ? 0 : 2;

const major = (t: Track | undefined) => !!t && t.kind === 'road' && !!t.name;

type Ctx = {
  seed: number;
  cell: Cell;
  unit: Unit;
  r: Rng;
  nt: number;
  ns: number;
  width: number;
  depth: number;
  bottom: Track | undefined;
  top: Track | undefined;
  left: Track | undefined;
  right: Track | undefined;
};

function residential(unit: Unit): string {
  return unit.urban ? 'ODT' : 'ONT';
}

/** A field's land use: neighbours tend to grow the same thing, so keep the previous use most of the time. */
function fieldUse(unit: Unit, prev: string | undefined, r: Rng): string {
  if (prev && r.chance(0.62)) return prev;
  return r.weighted(unit.mix);
}

/** Codes as printed on old certificates: some orchards are still LNQ, some annual fields BHK. */
function recorded(use: string, r: Rng): string {
  if (use === 'CLN' && r.chance(0.07)) return 'LNQ';
  if (use === 'HNK' && r.chance(0.3)) return 'BHK';
  return use;
}

function frontUse(ctx: Ctx, side: Track | undefined): string {
  const r = ctx.r;
  const roll = r.next();
  if (side && (side.roadClass === 'national' || side.roadClass === 'provincial') && roll < 0.25) return 'TMD';
  if (roll > 0.985) return 'TON';
  if (roll > 0.972) return 'NTD';
  if (roll > 0.964) return 'TIN';
  if (roll > 0.957) return 'DGD';
  if (roll > 0.953) return 'DYT';
  if (roll > 0.948) return 'SKC';
  if (roll > 0.944) return 'DKV';
  return residential(ctx.unit);
}

/** Rural and suburban blocks: strips back from the better frontage, house lots in front of some. */
function fieldBlock(ctx: Ctx): Lot[] {
  const { r } = ctx;
  const scoreV = frontage(ctx.bottom) + frontage(ctx.top);
  const scoreU = frontage(ctx.left) + frontage(ctx.right);
  // Strips run along a (away from the frontage) and are cut along b.
  const alongS = scoreV > scoreU || (scoreV === scoreU && r.chance(0.5));
  const na = alongS ? ctx.ns : ctx.nt;
  const nb = alongS ? ctx.nt : ctx.ns;
  const la = alongS ? ctx.depth : ctx.width;
  const lb = alongS ? ctx.width : ctx.depth;
  const ua = na / la;
  const ub = nb / lb;
  const sideA = alongS ? ctx.bottom : ctx.left;
  const sideB = alongS ? ctx.top : ctx.right;
  const rect = (a0: number, a1: number, b0: number, b1: number): Rect =>
    alongS ? { t0: b0, t1: b1, s0: a0, s1: a1 } : { t0: a0, t1: a1, s0: b0, s1: b1 };

  const bands = la < 170 ? 1 : Math.max(2, Math.round(la / 235));
  const bounds = [0];
  for (let k = 1; k < bands; k++) bounds.push(Math.round(na * ((k + r.range(-0.08, 0.08)) / bands)));
  bounds.push(na);
  const suburb = ctx.cell.zone === 'suburb';
  const lots: Lot[] = [];
  for (let k = 0; k < bands; k++) {
    const a0 = bounds[k]!;
    const a1 = bounds[k + 1]!;
    const depth = (a1 - a0) / ua;
    const facing: 'A' | 'B' | undefined =
      bands === 1 ? (frontage(sideA) >= frontage(sideB) ? 'A' : 'B') : k === 0 ? 'A' : k === bands - 1 ? 'B' : undefined;
    const side = facing === 'A' ? sideA : facing === 'B' ? sideB : undefined;
    const street = side && side.kind !== 'block' ? trackName(ctx.seed, side) : undefined;
    const minW = Math.max(7, MIN_M2 / depth);
    const maxW = Math.min(45, MAX_M2 / depth);
    const target = Math.min(Math.max(r.range(12, 24), minW), maxW);
    const widths = split(nb, Math.ceil(minW * ub), Math.floor(maxW * ub), Math.round(target * ub), r);
    const kind = side?.kind;
    const pFront = kind === 'road' ? (suburb ? 0.78 : 0.45) : kind === 'canal' || kind === 'river' ? (suburb ? 0.3 : 0.12) : 0;
    const frontDepth = r.range(24, 38);
    let prev: string | undefined;
    let b = 0;
    for (const w of widths) {
      const b0 = b;
      const b1 = b + w;
      b = b1;
      const wm = w / ub;
      const df = Math.max(frontDepth, MIN_M2 / wm + 1);
      const canFront = df <= 45 && wm * (depth - df) >= MIN_M2 && wm * df <= MAX_M2;
      const use = fieldUse(ctx.unit, prev, r);
      prev = use;
      if (facing && canFront && r.chance(pFront)) {
        const dfu = Math.round(df * ua);
        const [fa0, fa1, ba0, ba1] = facing === 'A' ? [a0, a0 + dfu, a0 + dfu, a1] : [a1 - dfu, a1, a0, a1 - dfu];
        lots.push({ ...rect(fa0, fa1, b0, b1), use: frontUse(ctx, side), role: 'front', ...(street ? { street } : {}) });
        lots.push({ ...rect(ba0, ba1, b0, b1), use: recorded(use, r), role: 'strip' });
      } else {
        const cluster = suburb && wm * depth <= 2500 && r.chance(0.12);
        lots.push({
          ...rect(a0, a1, b0, b1),
          use: cluster ? residential(ctx.unit) : recorded(use, r),
          role: 'strip',
          ...(street ? { street } : {}),
        });
      }
    }
  }
  return lots;
}

const INSTITUTIONS: readonly (readonly [string, number])[] = [
  ['DGD', 0.28],
  ['TSC', 0.14],
  ['DYT', 0.1],
  ['TON', 0.1],
  ['DKV', 0.12],
  ['TMD', 0.14],
  ['DCH', 0.05],
  ['DVH', 0.07],
];

/** Urban core blocks: local streets, then two rows of town lots back to back between them. */
function townBlock(ctx: Ctx): Lot[] {
  const { r } = ctx;
  // Streets run along x, the longer side; sub-blocks stack along y.
  const alongT = ctx.width >= ctx.depth;
  const nx = alongT ? ctx.nt : ctx.ns;
  const ny = alongT ? ctx.ns : ctx.nt;
  const lx = alongT ? ctx.width : ctx.depth;
  const ly = alongT ? ctx.depth : ctx.width;
  const ux = nx / lx;
  const uy = ny / ly;
  const rect = (x0: number, x1: number, y0: number, y1: number): Rect =>
    alongT ? { t0: x0, t1: x1, s0: y0, s1: y1 } : { t0: y0, t1: y1, s0: x0, s1: x1 };
  const sideY0 = alongT ? ctx.bottom : ctx.left;
  const sideY1 = alongT ? ctx.top : ctx.right;
  const localName = (i: number) => rng(ctx.seed, 'local-street', ctx.cell.r, ctx.cell.c, i).pick(STREETS);

  const streetW = Math.round(r.range(7, 10) * uy);
  const rows = Math.max(1, Math.round((ly + 8) / (84 + 8)));
  const spans = split(
    ny - (rows - 1) * streetW,
    Math.round(50 * uy),
    Math.round(110 * uy),
    Math.round(((ny - (rows - 1) * streetW) / rows) | 0),
    r,
  );
  const lots: Lot[] = [];
  let y = 0;
  spans.forEach((span, i) => {
    const y0 = y;
    const y1 = y + span;
    y = y1;
    const streetBelow = i === 0 ? (sideY0 && sideY0.kind !== 'block' ? trackName(ctx.seed, sideY0) : undefined) : localName(i - 1);
    const streetAbove =
      i === spans.length - 1 ? (sideY1 && sideY1.kind !== 'block' ? trackName(ctx.seed, sideY1) : undefined) : localName(i);
    const majorBelow = i === 0 && major(sideY0);
    const majorAbove = i === spans.length - 1 && major(sideY1);
    if (i < spans.length - 1) {
      lots.push({ ...rect(0, nx, y1, y1 + streetW), use: 'DGT', role: 'street', street: localName(i) });
      y = y1 + streetW;
    }
    const depthM = span / uy;
    const halves: [number, number, string | undefined, boolean][] =
      depthM >= 58
        ? (() => {
            const mid = y0 + Math.round(span / 2 + r.range(-0.06, 0.06) * span);
            return [
              [y0, mid, streetBelow, majorBelow],
              [mid, y1, streetAbove, majorAbove],
            ];
          })()
        : [[y0, y1, streetBelow ?? streetAbove, majorBelow || majorAbove]];
    // Cross alleys cut the row into segments about 160 m long.
    const alleyW = Math.round(6 * ux);
    const segments = Math.max(1, Math.round(lx / 160));
    const segLens = split(
      nx - (segments - 1) * alleyW,
      Math.round(60 * ux),
      Math.round(260 * ux),
      Math.round((nx - (segments - 1) * alleyW) / segments),
      r,
    );
    let x = 0;
    segLens.forEach((len, j) => {
      const x0 = x;
      const x1 = x + len;
      if (j < segLens.length - 1) {
        // Alleys are named after the street they open on and the house number at their mouth: "Hẻm 24 Nguyễn Du".
        const opening = i === 0 && streetBelow ? streetBelow : localName(i);
        const houseNo = 2 * rng(ctx.seed, 'alley', ctx.cell.r, ctx.cell.c, i, j).int(3, 120);
        lots.push({
          ...rect(x1, x1 + alleyW, y0, y1),
          use: 'DGT',
          role: 'street',
          street: `Hẻm ${houseNo} ${opening.replace(/^Đường /, '')}`,
        });
      }
      x = x1 + alleyW;
      for (const [h0, h1, street, onMajor] of halves) {
        const lotDepth = (h1 - h0) / uy;
        const minW = Math.max(5.5, MIN_M2 / lotDepth);
        const maxW = Math.min(14, MAX_M2 / lotDepth);
        let cursor = x0;
        if (r.chance(0.1)) {
          // A school, an office, a pagoda or a market takes a run of the row.
          const width = Math.min(r.range(35, Math.max(36, Math.min(90, MAX_M2 / lotDepth))), len / ux);
          const end = Math.min(x1, x0 + Math.round(width * ux));
          if ((x1 - end) / ux >= minW || end === x1) {
            lots.push({ ...rect(x0, end, h0, h1), use: r.weighted(INSTITUTIONS), role: 'inst', ...(street ? { street } : {}) });
            cursor = end;
          }
        }
        if (x1 - cursor <= 0) continue;
        const widths = split(
          x1 - cursor,
          Math.ceil(minW * ux),
          Math.floor(maxW * ux),
          Math.round(Math.min(Math.max(r.range(7, 10.5), minW), maxW) * ux),
          r,
        );
        for (const w of widths) {
          const use = onMajor && r.chance(0.35) ? 'TMD' : r.chance(0.03) ? 'TMD' : residential(ctx.unit);
          lots.push({ ...rect(cursor, cursor + w, h0, h1), use, role: 'urban', ...(street ? { street } : {}) });
          cursor += w;
        }
      }
    });
  });
  return lots;
}

/** A road or canal between blocks, cut into pieces along its length. */
function corridor(ctx: Ctx, track: Track, alongT: boolean): Lot[] {
  const use = track.kind === 'road' ? 'DGT' : 'SON';
  const role: Role = track.kind === 'road' ? 'road' : 'canal';
  const length = alongT ? ctx.width : ctx.depth;
  const width = alongT ? ctx.depth : ctx.width;
  const n = alongT ? ctx.nt : ctx.ns;
  const pieces = Math.max(1, Math.ceil(length / Math.min(400, MAX_M2 / Math.max(width, 1))));
  const street = trackName(ctx.seed, track);
  const lots: Lot[] = [];
  let prev = 0;
  for (let i = 1; i <= pieces; i++) {
    const next = Math.round((i / pieces) * n);
    const rect = alongT ? { t0: prev, t1: next, s0: 0, s1: ctx.ns } : { t0: 0, t1: ctx.nt, s0: prev, s1: next };
    lots.push({ ...rect, use, role, street });
    prev = next;
  }
  return lots;
}

/** The parcels of one cell, in its parameters; a pure function of the seed and the cell. */
export function planCell(seed: number, layout: Layout, cell: Cell): Lot[] {
  const grid = layout.grid;
  const row = grid.rows[cell.r]!;
  const col = grid.cols[cell.c]!;
  const { width, depth } = grid.size(cell.r, cell.c);
  const ctx: Ctx = {
    seed,
    cell,
    unit: layout.units[cell.unit]!,
    r: rng(seed, 'cell', row.frame, row.local, col.frame, col.local),
    nt: grid.colRes[cell.c]!,
    ns: grid.rowRes[cell.r]!,
    width,
    depth,
    bottom: grid.rows[cell.r - 1],
    top: grid.rows[cell.r + 1],
    left: grid.cols[cell.c - 1],
    right: grid.cols[cell.c + 1],
  };
  const rowCorridor = row.kind !== 'block';
  const colCorridor = col.kind !== 'block';
  if (rowCorridor && colCorridor) {
    const road = row.kind === 'road' ? row : col.kind === 'road' ? col : undefined;
    return [
      {
        t0: 0,
        t1: ctx.nt,
        s0: 0,
        s1: ctx.ns,
        use: road ? 'DGT' : 'SON',
        role: 'junction',
        street: trackName(seed, road ?? (row.kind === 'river' || row.river ? row : col)),
      },
    ];
  }
  if (rowCorridor) return corridor(ctx, row, true);
  if (colCorridor) return corridor(ctx, col, false);
  return cell.zone === 'core' ? townBlock(ctx) : fieldBlock(ctx);
}

/** Merges neighbouring rectangles of the same use that together form a rectangle (the status map's polygons). */
export function mergeZones(items: readonly Zoned[]): Zoned[] {
  const pass = (list: Zoned[], byT: boolean): Zoned[] => {
    const sorted = [...list].sort((a, b) => (byT ? a.s0 - b.s0 || a.s1 - b.s1 || a.t0 - b.t0 : a.t0 - b.t0 || a.t1 - b.t1 || a.s0 - b.s0));
    const out: Zoned[] = [];
    for (const z of sorted) {
      const last = out[out.length - 1];
      if (
        last &&
        last.use === z.use &&
        (byT ? last.s0 === z.s0 && last.s1 === z.s1 && last.t1 === z.t0 : last.t0 === z.t0 && last.t1 === z.t1 && last.s1 === z.s0)
      ) {
        if (byT) last.t1 = z.t1;
        else last.s1 = z.s1;
      } else out.push({ ...z });
    }
    return out;
  };
  return pass(
    pass(
      items.map((z) => ({ t0: z.t0, t1: z.t1, s0: z.s0, s1: z.s1, use: z.use })),
      true,
    ),
    false,
  );
}
