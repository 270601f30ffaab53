// A reader for the WKB that ST_AsBinary returns: just enough to hand clipped geometry to the
// JS encoder without parsing text. 2D only (the tile SQL never asks for Z or M).

/** Rings or lines of [x, y] pairs, grouped the way the encoder needs them. */
export type Parts = {
  points: [number, number][];
  lines: [number, number][][];
  /** Each polygon: its exterior ring first, then its holes. */
  polygons: [number, number][][][];
};

/** Parses (Multi)Point/LineString/Polygon and GeometryCollection WKB, either byte order, into flat parts. */
export function readWkb(bytes: Uint8Array): Parts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Parts = { points: [], lines: [], polygons: [] };
  let offset = 0;

  const readGeometry = (): void => {
    const little = view.getUint8(offset) === 1;
    offset += 1;
    const rawType = view.getUint32(offset, little);
    offset += 4;
    // ISO WKB adds 1000/2000/3000 for Z/M/ZM; EWKB sets high bits. Neither reaches here, but fail loudly if it does.
    const type = rawType & 0xffff;
    if (type > 7 || rawType !== type) throw new Error(`Unsupported WKB geometry type ${rawType}`);
    const u32 = () => {
      const v = view.getUint32(offset, little);
      offset += 4;
      return v;
    };
    const point = (): [number, number] => {
      const x = view.getFloat64(offset, little);
      const y = view.getFloat64(offset + 8, little);
      offset += 16;
      return [x, y];
    };
    const ring = (): [number, number][] => {
      const n = u32();
      const out: [number, number][] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = point();
      return out;
    };
    switch (type) {
      case 1: {
        const p = point();
        // POINT EMPTY is written as NaN coordinates.
        if (!Number.isNaN(p[0])) parts.points.push(p);
        return;
      }
      case 2:
        parts.lines.push(ring());
        return;
      case 3: {
        const n = u32();
        const rings: [number, number][][] = [];
        for (let i = 0; i < n; i++) rings.push(ring());
        if (rings.length) parts.polygons.push(rings);
        return;
      }
      default: {
        // Multi* and GeometryCollection: a count, then whole geometries with their own headers.
        const n = u32();
        for (let i = 0; i < n; i++) readGeometry();
      }
    }
  };
  readGeometry();
  return parts;
}
