// The canal-and-road grid. Rows run along the river (lines of constant-ish v), columns across it.
// Every row or column is a track: a block of land or a corridor (road, canal, river). Tracks are
// grouped in frames: the city frame in the middle and, for province-scale runs, synthetic frames
// around it. Grid lines are straight inside a frame and bend only on frame boundaries, which are
// themselves straight lines, so every cell is a quadrilateral and the city frame is the same
// whatever is generated around it.
import { rng } from './random.ts';
import type { UV } from './frame.ts';

/** What a row or column of the grid holds. */
export type TrackKind = 'block' | 'road' | 'canal' | 'river';

/** A row or column: a band of land blocks or a corridor with its name. */
export type Track = {
  kind: TrackKind;
  /** Nominal width in metres (a corridor's width is exact). */
  size: number;
  name?: string;
  roadClass?: 'national' | 'provincial' | 'urban' | 'rural';
  /** Drawn as a river (Sông) rather than a canal in the water layer. */
  river?: boolean;
  /** The rows of the Tịnh Thới island in Sông Tiền. */
  island?: boolean;
  /** Frame index along this axis and position inside the frame: the track's stable identity. */
  frame: number;
  local: number;
};

type Anchor = { at: number; track: Omit<Track, 'frame' | 'local'> };

/** The city frame along u (across the river's flow) and v (inland), in metres. */
export const CITY_U: readonly [number, number] = [-7200, 10000];
export const CITY_V: readonly [number, number] = [-1800, 9600];
const FRAME_W = CITY_U[1] - CITY_U[0];
const BAND_H = 9000;

/** Corridors that fill the countryside between named ones. */
function genericCorridor(seed: number, key: string): Omit<Track, 'frame' | 'local'>[] {
  const r = rng(seed, 'corridor', key);
  const kind = r.weighted([
    ['canal', 0.5],
    ['canal+road', 0.32],
    ['road', 0.18],
  ] as const);
  const canalWidth = Math.round(r.range(6, 22));
  if (kind === 'canal') return [{ kind: 'canal', size: canalWidth }];
  if (kind === 'road') return [{ kind: 'road', size: Math.round(r.range(5, 9)), roadClass: 'rural' }];
  // A dirt road on the spoil bank of the canal it was dug with: the delta's commonest corridor.
  return [
    { kind: 'road', size: Math.round(r.range(4, 7)), roadClass: 'rural' },
    { kind: 'canal', size: canalWidth },
  ];
}

/** Fills [from, to) with blocks about `spacing` deep separated by generic corridors, around anchors. */
function fillTracks(
  seed: number,
  key: string,
  from: number,
  to: number,
  anchors: Anchor[],
  spacing: number,
): Omit<Track, 'frame' | 'local'>[] {
  const out: Omit<Track, 'frame' | 'local'>[] = [];
  let pos = from;
  const sorted = [...anchors].sort((a, b) => a.at - b.at);
  const stops = [
    ...sorted.map((a) => ({ start: a.at - a.track.size / 2, anchor: a as Anchor | undefined })),
    { start: to, anchor: undefined },
  ];
  let gap = 0;
  for (const stop of stops) {
    const length = stop.start - pos;
    const r = rng(seed, 'fill', key, gap++);
    // A named corridor right at the start (the riverside road on the bank) leaves no room for a block.
    const n = length < 30 ? 0 : Math.max(1, Math.round(length / spacing));
    const corridors = Array.from({ length: n - 1 }, (_, i) => genericCorridor(seed, `${key}/${gap}/${i}`));
    const corridorWidth = corridors.flat().reduce((s, t) => s + t.size, 0);
    const block = n > 0 ? (length - corridorWidth) / n : 0;
    for (let i = 0; i < n; i++) {
      out.push({ kind: 'block', size: block * r.range(0.85, 1.15) });
      if (i < n - 1) out.push(...corridors[i]!);
    }
    if (stop.anchor) {
      out.push(stop.anchor.track);
      pos = stop.start + stop.anchor.track.size;
    }
  }
  return out;
}

const road = (size: number, name: string, roadClass: Track['roadClass'] = 'urban'): Anchor['track'] => ({
  kind: 'road',
  size,
  name,
  roadClass,
});
const canal = (size: number, name: string): Anchor['track'] => ({ kind: 'canal', size, name });

/** Rows of a band (v axis): band 0 is the city with Sông Tiền and the island of Tịnh Thới. */
function bandTracks(seed: number, band: number): Omit<Track, 'frame' | 'local'>[] {
  if (band > 0) return fillTracks(seed, `v${band}`, 0, BAND_H, [], 460);
  const river: Omit<Track, 'frame' | 'local'>[] = [
    { kind: 'river', size: 450, name: 'Sông Tiền', river: true },
    { kind: 'block', size: 470, island: true },
    { kind: 'canal', size: 9, name: 'Rạch Tịnh Thới', island: true },
    { kind: 'block', size: 480, island: true },
    { kind: 'river', size: 391, name: 'Sông Tiền', river: true },
  ];
  const anchors: Anchor[] = [
    { at: 7, track: road(14, 'Đường Tôn Đức Thắng') },
    { at: 420, track: canal(12, 'Kênh Cái Sâu') },
    { at: 1180, track: road(26, 'Quốc lộ 30', 'national') },
    { at: 1580, track: road(16, 'Đường Nguyễn Huệ') },
    { at: 1950, track: road(16, 'Đường Lê Lợi') },
    { at: 2330, track: road(18, 'Đường Hùng Vương') },
    { at: 2720, track: road(14, 'Đường Phạm Hữu Lầu') },
    { at: 3120, track: road(16, 'Đường Lý Thường Kiệt') },
    { at: 4300, track: canal(18, 'Kênh Ông Kho') },
    { at: 6100, track: canal(22, 'Kênh Hội Đồng') },
    { at: 7900, track: canal(16, 'Kênh Xáng Mỹ Tân') },
  ];
  return [...river, ...fillTracks(seed, 'v0', 0, CITY_V[1], anchors, 430)];
}

/** Columns of a frame (u axis): frame 0 is the city with Sông Cao Lãnh and the provincial roads. */
function frameTracks(seed: number, frame: number): Omit<Track, 'frame' | 'local'>[] {
  if (frame !== 0) return fillTracks(seed, `u${frame}`, 0, FRAME_W, [], 480);
  const anchors: Anchor[] = [
    { at: -4300, track: canal(20, 'Kênh Thống Nhất') },
    { at: -2600, track: road(18, 'Đường tỉnh 846', 'provincial') },
    { at: -1500, track: road(16, 'Đường Nguyễn Trãi') },
    { at: -1020, track: road(14, 'Đường Trần Hưng Đạo') },
    { at: -620, track: road(18, 'Đường 30 Tháng 4') },
    { at: -160, track: { kind: 'canal' as const, size: 55, name: 'Sông Cao Lãnh', river: true } },
    { at: 300, track: road(14, 'Đường Nguyễn Đình Chiểu') },
    { at: 760, track: road(16, 'Đường Điện Biên Phủ') },
    { at: 1300, track: road(14, 'Đường Võ Thị Sáu') },
    { at: 2800, track: road(18, 'Đường tỉnh 847', 'provincial') },
    { at: 5200, track: canal(24, 'Rạch Cái Tôm') },
    { at: 7600, track: canal(18, 'Kênh Cả Môn') },
  ].map((a) => ({ ...a, at: a.at - CITY_U[0] }));
  return fillTracks(seed, 'u0', 0, FRAME_W, anchors, 470);
}

/** One axis of the grid: its tracks, the frame boundaries and every line's offset at each boundary of the other axis. */
type Axis = {
  tracks: Track[];
  /** Positions of the frame boundaries along this axis (ascending). */
  breaks: number[];
  /** Frame id of each boundary (the frame to its right or above; the last is one past). */
  breakIds: number[];
  /** lines[k][m]: offset of line k (k = 0..tracks.length) at boundary m of the other axis. */
  lines: number[][];
  /** Lines that are frame boundaries lie exactly at breaks[boundaryOf[k]]. */
  boundaryOf: (number | undefined)[];
  /** Index of the frame (0-based within breaks) each line belongs to. */
  frameOf: number[];
  /** Param resolution of each track: decimetres across it. */
  res: number[];
};

function buildAxis(
  seed: number,
  name: string,
  frameIds: number[],
  start: (id: number) => number,
  size: (id: number) => number,
  tracksOf: (id: number) => Omit<Track, 'frame' | 'local'>[],
  otherBreakIds: number[],
): Axis {
  const tracks: Track[] = [];
  const lines: number[][] = [];
  const boundaryOf: (number | undefined)[] = [];
  const frameOf: number[] = [];
  const breaks: number[] = [];
  frameIds.forEach((id, fi) => {
    const from = start(id);
    const to = from + size(id);
    breaks.push(from);
    const list = tracksOf(id);
    const fixed = list.reduce((s, t) => s + (t.kind === 'block' ? 0 : t.size), 0);
    // Offsets at each boundary of the other axis: blocks breathe a little, corridors keep their width.
    const perBreak = otherBreakIds.map((other) => {
      const r = rng(seed, 'lines', name, id, other);
      const raw = list.map((t) => (t.kind === 'block' ? t.size * r.range(0.8, 1.2) : t.size));
      const rawBlocks = raw.reduce((s, x, i) => s + (list[i]!.kind === 'block' ? x : 0), 0);
      const scale = (to - from - fixed) / rawBlocks;
      const offsets = [from];
      let pos = from;
      raw.forEach((x, i) => {
        pos += list[i]!.kind === 'block' ? x * scale : x;
        offsets.push(pos);
      });
      offsets[offsets.length - 1] = to;
      return offsets;
    });
    list.forEach((t, local) => tracks.push({ ...t, frame: id, local }));
    const first = fi === 0 ? 0 : 1; // a shared frame boundary is one line
    for (let k = first; k <= list.length; k++) {
      lines.push(perBreak.map((o) => o[k]!));
      boundaryOf.push(k === 0 ? fi : k === list.length ? fi + 1 : undefined);
      frameOf.push(Math.min(fi, frameIds.length - 1));
    }
  });
  const lastId = frameIds[frameIds.length - 1]!;
  breaks.push(start(lastId) + size(lastId));
  const res = tracks.map((_, k) => {
    const widths = lines[k + 1]!.map((o, m) => o - lines[k]![m]!);
    return Math.max(1, Math.round((widths.reduce((s, w) => s + w, 0) / widths.length) * 10));
  });
  return { tracks, breaks, breakIds: [...frameIds, lastId + 1], lines, boundaryOf, frameOf, res };
}

/** The frames a run covers: u frames [-ring, ring] and v bands [0, ring]. */
export type Extent = { ring: number };

/** The whole grid of an extent: rows, columns, their corners and the canonical point of any cell parameter. */
export class Grid {
  readonly rows: Track[];
  readonly cols: Track[];
  /** Decimetres across each row (s resolution) and column (t resolution). */
  readonly rowRes: number[];
  readonly colRes: number[];
  private readonly corners: Float64Array;
  private readonly nc: number;

  constructor(seed: number, extent: Extent) {
    const uFrames = Array.from({ length: 2 * extent.ring + 1 }, (_, i) => i - extent.ring);
    const vBands = Array.from({ length: extent.ring + 1 }, (_, i) => i);
    const uStart = (id: number) => CITY_U[0] + id * FRAME_W;
    const vStart = (id: number) => (id === 0 ? CITY_V[0] : CITY_V[1] + (id - 1) * BAND_H);
    const vSize = (id: number) => (id === 0 ? CITY_V[1] - CITY_V[0] : BAND_H);
    const uBreakIds = [...uFrames, uFrames[uFrames.length - 1]! + 1];
    const vBreakIds = [...vBands, vBands[vBands.length - 1]! + 1];
    const vAxis = buildAxis(seed, 'v', vBands, vStart, vSize, (id) => bandTracks(seed, id), uBreakIds);
    const uAxis = buildAxis(
      seed,
      'u',
      uFrames,
      uStart,
      () => FRAME_W,
      (id) => frameTracks(seed, id),
      vBreakIds,
    );
    this.rows = vAxis.tracks;
    this.cols = uAxis.tracks;
    this.rowRes = vAxis.res;
    this.colRes = uAxis.res;
    this.nc = this.cols.length + 1;
    this.corners = new Float64Array((this.rows.length + 1) * this.nc * 2);
    for (let a = 0; a <= this.rows.length; a++) {
      for (let b = 0; b <= this.cols.length; b++) {
        const [u, v] = intersect(vAxis, a, uAxis, b);
        this.corners[(a * this.nc + b) * 2] = u;
        this.corners[(a * this.nc + b) * 2 + 1] = v;
      }
    }
  }

  /** Corner where row line a meets column line b. */
  corner(a: number, b: number): UV {
    const i = (a * this.nc + b) * 2;
    return [this.corners[i]!, this.corners[i + 1]!];
  }

  /**
   * The point at integer parameters (t across the column, s across the row) of cell (r, c).
   * Points on a cell's edge are computed from that edge alone, so both cells sharing the edge get
   * the very same numbers.
   */
  point(r: number, c: number, t: number, s: number): UV {
    const nt = this.colRes[c]!;
    const ns = this.rowRes[r]!;
    if (s === 0 || s === ns) return lerp(this.corner(s === 0 ? r : r + 1, c), this.corner(s === 0 ? r : r + 1, c + 1), t / nt);
    if (t === 0 || t === nt) return lerp(this.corner(r, t === 0 ? c : c + 1), this.corner(r + 1, t === 0 ? c : c + 1), s / ns);
    const fs = s / ns;
    const ft = t / nt;
    const bottom = lerp(this.corner(r, c), this.corner(r, c + 1), ft);
    const top = lerp(this.corner(r + 1, c), this.corner(r + 1, c + 1), ft);
    return lerp(bottom, top, fs);
  }

  /** Length in metres of cell (r, c) across its column (t) and its row (s), averaged over opposite edges. */
  size(r: number, c: number): { width: number; depth: number } {
    const d = (p: UV, q: UV) => Math.hypot(p[0] - q[0], p[1] - q[1]);
    return {
      width: (d(this.corner(r, c), this.corner(r, c + 1)) + d(this.corner(r + 1, c), this.corner(r + 1, c + 1))) / 2,
      depth: (d(this.corner(r, c), this.corner(r + 1, c)) + d(this.corner(r, c + 1), this.corner(r + 1, c + 1))) / 2,
    };
  }
}

function lerp(a: UV, b: UV, f: number): UV {
  return [(1 - f) * a[0] + f * b[0], (1 - f) * a[1] + f * b[1]];
}

/** Where row line a (offsets along v) crosses column line b (offsets along u). */
function intersect(vAxis: Axis, a: number, uAxis: Axis, b: number): UV {
  const aBoundary = vAxis.boundaryOf[a];
  const bBoundary = uAxis.boundaryOf[b];
  if (aBoundary !== undefined && bBoundary !== undefined) return [uAxis.breaks[bBoundary]!, vAxis.breaks[aBoundary]!];
  if (aBoundary !== undefined) return [uAxis.lines[b]![aBoundary]!, vAxis.breaks[aBoundary]!];
  if (bBoundary !== undefined) return [uAxis.breaks[bBoundary]!, vAxis.lines[a]![bBoundary]!];
  const p = uAxis.frameOf[b]!; // u frame the column line lies in
  const q = vAxis.frameOf[a]!; // v band the row line lies in
  const u0 = uAxis.breaks[p]!;
  const u1 = uAxis.breaks[p + 1]!;
  const va0 = vAxis.lines[a]![p]!;
  const va1 = vAxis.lines[a]![p + 1]!;
  const v0 = vAxis.breaks[q]!;
  const v1 = vAxis.breaks[q + 1]!;
  const ub0 = uAxis.lines[b]![q]!;
  const ub1 = uAxis.lines[b]![q + 1]!;
  const sa = (va1 - va0) / (u1 - u0);
  const sb = (ub1 - ub0) / (v1 - v0);
  const u = (ub0 + (va0 - u0 * sa - v0) * sb) / (1 - sa * sb);
  return [u, va0 + (u - u0) * sa];
}
