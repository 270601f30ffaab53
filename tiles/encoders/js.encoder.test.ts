import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { encodeJsLayer, type JsRow } from './js.encoder.ts';

/** Little-endian WKB of a one-ring polygon in tile units. */
function polygonWkb(ring: [number, number][]): Uint8Array {
  const buf = Buffer.alloc(1 + 4 + 4 + 4 + ring.length * 16);
  buf.writeUInt8(1, 0);
  buf.writeUInt32LE(3, 1);
  buf.writeUInt32LE(1, 5);
  buf.writeUInt32LE(ring.length, 9);
  ring.forEach(([x, y], i) => {
    buf.writeDoubleLE(x, 13 + i * 16);
    buf.writeDoubleLE(y, 21 + i * 16);
  });
  return buf;
}

const square = (x: number, y: number, side: number): [number, number][] => [
  [x, y],
  [x + side, y],
  [x + side, y + side],
  [x, y + side],
  [x, y],
];

const rows: JsRow[] = [
  { __id: 1, __wkb: polygonWkb(square(100, 100, 400)) },
  // 8 × 8 units: a quarter of a screen pixel, under MIN_PART_AREA (128 square units).
  { __id: 2, __wkb: polygonWkb(square(4100, 100, 8)) },
  // A ring that collapsed on the grid: nothing to draw with or without the filter.
  {
    __id: 3,
    __wkb: polygonWkb([
      [10, 10],
      [20, 10],
      [30, 10],
      [10, 10],
    ]),
  },
];

function ids(bytes: Uint8Array): number[] {
  const layer = new VectorTile(new PbfReader(bytes)).layers.parcels!;
  return Array.from({ length: layer.length }, (_, i) => Number(layer.feature(i).id));
}

describe('the JS encoder part filter', () => {
  it('drops polygon parts under half a pixel by default', () => {
    expect(ids(encodeJsLayer('parcels', rows, [], 'polygon'))).toEqual([1]);
  });

  it('keeps them on bands that turn it off, but never a ring that collapsed', () => {
    expect(ids(encodeJsLayer('parcels', rows, [], 'polygon', false))).toEqual([1, 2]);
  });
});
