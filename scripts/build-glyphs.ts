// Builds the SDF glyph ranges MapLibre needs for labels (`glyphs: /fonts/{fontstack}/{range}.pbf`)
// from the Noto Sans files of @fontsource/noto-sans, in pure JS: there is no internet on the
// target network, so the server must serve its own glyphs, Vietnamese diacritics included.
//
// The distance field is computed from the vector outline itself (distance to the flattened
// contour, sign from the non-zero winding rule) rather than from a rasterised bitmap, so it needs
// no canvas and no FreeType. Sizes follow node-fontnik exactly, which is what MapLibre's shader
// expects: 24 px em, 3 px border, radius 8 px, cutoff 0.25 (the edge sits at byte 191).
//
// Run as a script (`tsx scripts/build-glyphs.ts OUT_DIR`) or through the Vite plugin in
// web/vite.config.ts, which writes the ranges into web/dist/fonts/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import opentype, { type Font, type PathCommand } from 'opentype.js';
import { PbfWriter as Pbf } from 'pbf';

const FONT_SIZE = 24;
const BORDER = 3;
const RADIUS = 8;
const CUTOFF = 0.25;
/** Curves are cut into chords no longer than this many pixels before distances are measured. */
const FLATNESS = 0.25;

/**
 * The code points we render: printable ASCII, the Vietnamese letters and the few symbols of
 * Latin-1 (À Á Â Ã È É Ê Ì Í Ò Ó Ô Õ Ù Ú Ý à … ý, ° ± ×), Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư, the tone
 * marks as combining characters, the Vietnamese block of Latin Extended Additional (Ạ … ỹ),
 * punctuation and the đồng sign. Place names here are Vietnamese, and every glyph left out is
 * bytes a phone on a weak link does not download before its first labels.
 */
const WANTED: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e],
  [0xa0, 0xa0],
  [0xb0, 0xb1],
  [0xb7, 0xb7],
  [0xc0, 0xc3],
  [0xc8, 0xca],
  [0xcc, 0xcd],
  [0xd2, 0xd5],
  [0xd7, 0xd7],
  [0xd9, 0xda],
  [0xdd, 0xdd],
  [0xe0, 0xe3],
  [0xe8, 0xea],
  [0xec, 0xed],
  [0xf2, 0xf5],
  [0xf9, 0xfa],
  [0xfd, 0xfd],
  [0x102, 0x103],
  [0x110, 0x111],
  [0x128, 0x129],
  [0x168, 0x169],
  [0x1a0, 0x1a1],
  [0x1af, 0x1b0],
  [0x300, 0x301],
  [0x303, 0x303],
  [0x309, 0x309],
  [0x323, 0x323],
  [0x1ea0, 0x1ef9],
  [0x2010, 0x2027],
  [0x20ab, 0x20ab],
];

function wanted(codePoint: number): boolean {
  return WANTED.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/** A font stack we serve, built from the Fontsource subset files that together cover Vietnamese. */
export type FontStackSource = { name: string; files: string[] };

const FONTSOURCE = 'node_modules/@fontsource/noto-sans/files';
const SUBSETS = ['vietnamese', 'latin', 'latin-ext'];

/** The stacks the map style may name in `text-font`. */
export const FONT_STACKS: readonly FontStackSource[] = [
  { name: 'Noto Sans Regular', files: SUBSETS.map((s) => `${FONTSOURCE}/noto-sans-${s}-400-normal.woff`) },
  { name: 'Noto Sans Bold', files: SUBSETS.map((s) => `${FONTSOURCE}/noto-sans-${s}-700-normal.woff`) },
];

type GlyphRecord = {
  id: number;
  bitmap: Uint8Array;
  width: number;
  height: number;
  left: number;
  top: number;
  advance: number;
};

function loadFont(file: string): Font {
  const bytes = fs.readFileSync(file);
  return opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Flattens a glyph path (pixel units, y down) into line segments x0,y0,x1,y1,… */
function flatten(commands: PathCommand[]): Float64Array {
  const out: number[] = [];
  let startX = 0;
  let startY = 0;
  let x = 0;
  let y = 0;
  const line = (nx: number, ny: number) => {
    if (nx !== x || ny !== y) out.push(x, y, nx, ny);
    x = nx;
    y = ny;
  };
  for (const c of commands) {
    if (c.type === 'M') {
      if (x !== startX || y !== startY) line(startX, startY);
      startX = x = c.x;
      startY = y = c.y;
    } else if (c.type === 'L') {
      line(c.x, c.y);
    } else if (c.type === 'Q') {
      const x0 = x;
      const y0 = y;
      const steps = Math.max(1, Math.ceil(Math.hypot(c.x1 - x0, c.y1 - y0) + Math.hypot(c.x - c.x1, c.y - c.y1)) / FLATNESS / 4);
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        line(u * u * x0 + 2 * u * t * c.x1 + t * t * c.x, u * u * y0 + 2 * u * t * c.y1 + t * t * c.y);
      }
    } else if (c.type === 'C') {
      const x0 = x;
      const y0 = y;
      const length = Math.hypot(c.x1 - x0, c.y1 - y0) + Math.hypot(c.x2 - c.x1, c.y2 - c.y1) + Math.hypot(c.x - c.x2, c.y - c.y2);
      const steps = Math.max(1, Math.ceil(length / FLATNESS / 4));
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        line(
          u * u * u * x0 + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
          u * u * u * y0 + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y,
        );
      }
    } else {
      line(startX, startY);
    }
  }
  if (x !== startX || y !== startY) line(startX, startY);
  return Float64Array.from(out);
}

/** Signed distance (positive outside) from a point to the outline, inside by non-zero winding. */
function signedDistance(segments: Float64Array, px: number, py: number): number {
  let best = Infinity;
  let winding = 0;
  for (let i = 0; i < segments.length; i += 4) {
    const ax = segments[i]!;
    const ay = segments[i + 1]!;
    const bx = segments[i + 2]!;
    const by = segments[i + 3]!;
    const dx = bx - ax;
    const dy = by - ay;
    const lengthSq = dx * dx + dy * dy;
    let t = lengthSq > 0 ? ((px - ax) * dx + (py - ay) * dy) / lengthSq : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = ax + t * dx - px;
    const ey = ay + t * dy - py;
    const d = ex * ex + ey * ey;
    if (d < best) best = d;
    // Crossing number of a ray towards +x, counted with the edge's direction.
    if (ay <= py) {
      if (by > py && dx * (py - ay) - (px - ax) * dy > 0) winding++;
    } else if (by <= py && dx * (py - ay) - (px - ax) * dy < 0) {
      winding--;
    }
  }
  const distance = Math.sqrt(best);
  return winding !== 0 ? -distance : distance;
}

function renderGlyph(font: Font, glyphIndex: number, codePoint: number): GlyphRecord {
  const glyph = font.glyphs.get(glyphIndex);
  const scale = FONT_SIZE / font.unitsPerEm;
  const advance = Math.round((glyph.advanceWidth ?? 0) * scale);
  const ascender = font.ascender * scale;
  const segments = flatten(glyph.getPath(0, 0, FONT_SIZE).commands);
  if (segments.length === 0) return { id: codePoint, bitmap: new Uint8Array(0), width: 0, height: 0, left: 0, top: 0, advance };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < segments.length; i += 2) {
    minX = Math.min(minX, segments[i]!);
    maxX = Math.max(maxX, segments[i]!);
    minY = Math.min(minY, segments[i + 1]!);
    maxY = Math.max(maxY, segments[i + 1]!);
  }
  const left = Math.floor(minX);
  const ascent = Math.ceil(-minY); // pixels above the baseline (path y points down)
  const width = Math.ceil(maxX) - left;
  const height = ascent + Math.ceil(maxY);
  const w = width + 2 * BORDER;
  const h = height + 2 * BORDER;
  const bitmap = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    const py = j - BORDER - ascent + 0.5;
    for (let i = 0; i < w; i++) {
      const px = left - BORDER + i + 0.5;
      const d = signedDistance(segments, px, py);
      bitmap[j * w + i] = Math.max(0, Math.min(255, Math.round(255 - 255 * (d / RADIUS + CUTOFF))));
    }
  }
  // node-fontnik's convention: top is the glyph's ascent minus the font's ascender, truncated.
  return { id: codePoint, bitmap, width, height, left, top: Math.trunc(ascent - ascender), advance };
}

function encodeRange(stack: string, start: number, glyphs: GlyphRecord[]): Uint8Array {
  const pbf = new Pbf();
  pbf.writeMessage(
    1,
    (_: unknown, p: Pbf) => {
      p.writeStringField(1, stack);
      p.writeStringField(2, `${start}-${start + 255}`);
      for (const g of glyphs) {
        p.writeMessage(
          3,
          (__: unknown, q: Pbf) => {
            q.writeVarintField(1, g.id);
            if (g.width > 0) q.writeBytesField(2, g.bitmap);
            q.writeVarintField(3, g.width);
            q.writeVarintField(4, g.height);
            q.writeSVarintField(5, g.left);
            q.writeSVarintField(6, g.top);
            q.writeVarintField(7, g.advance);
          },
          undefined,
        );
      }
    },
    undefined,
  );
  return pbf.finish();
}

/** Every 256-code-point range a stack covers, encoded as glyph PBFs: range start → bytes. */
export function buildStack(source: FontStackSource, root: string): Map<number, Uint8Array> {
  const fonts = source.files.map((file) => loadFont(path.join(root, file)));
  // The first subset that maps a code point wins; Fontsource's subsets overlap only on basics.
  const owner = new Map<number, { font: Font; index: number }>();
  for (const font of fonts) {
    for (const [key, index] of Object.entries(font.tables.cmap.glyphIndexMap)) {
      const codePoint = Number(key);
      if (index > 0 && wanted(codePoint) && !owner.has(codePoint)) owner.set(codePoint, { font, index });
    }
  }
  const byRange = new Map<number, GlyphRecord[]>();
  for (const codePoint of [...owner.keys()].sort((a, b) => a - b)) {
    const { font, index } = owner.get(codePoint)!;
    const start = codePoint - (codePoint % 256);
    const list = byRange.get(start) ?? [];
    list.push(renderGlyph(font, index, codePoint));
    byRange.set(start, list);
  }
  return new Map([...byRange].map(([start, glyphs]) => [start, encodeRange(source.name, start, glyphs)]));
}

/** Writes fonts/{stack}/{start}-{end}.pbf (with .gz and .br beside each) under outDir; returns the file count. */
export function writeGlyphs(outDir: string, root: string = process.cwd()): number {
  let count = 0;
  for (const stack of FONT_STACKS) {
    const dir = path.join(outDir, 'fonts', stack.name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [start, bytes] of buildStack(stack, root)) {
      const file = path.join(dir, `${start}-${start + 255}.pbf`);
      fs.writeFileSync(file, bytes);
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
      fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }));
      count++;
    }
  }
  return count;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? 'web/dist';
  const started = performance.now();
  const count = writeGlyphs(out);
  console.log(`[glyphs] ${count} ranges written to ${out}/fonts in ${Math.round(performance.now() - started)} ms`);
}
