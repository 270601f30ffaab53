import { describe, expect, it } from 'vitest';
import {
  CornerList,
  edgeLengthM,
  perimeterM,
  SAME_AS_LAST,
  snapCorner,
  TOO_FEW_CORNERS,
  visibleCentre,
  visiblePadding,
} from './crosshair.ts';
import { polygonAreaM2 } from './geometry.ts';
import { ringsOf, type LonLat } from './snap.ts';

// A phone's map (393 × 690 px below the top bar) and a desk's (1280 × 740).
const PHONE_MAP = { left: 0, top: 110, right: 393, bottom: 800 };
const DESK_MAP = { left: 0, top: 60, right: 1280, bottom: 800 };

/** A point east/north of another by metres (flat approximation, fine over 100 m). */
function offset([lon, lat]: LonLat, eastM: number, northM: number): LonLat {
  return [lon + eastM / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + northM / 110_574];
}

const ORIGIN: LonLat = [105.63, 10.46];

describe('the centre of the visible map', () => {
  it('moves up by half the height of the editor card and tab bar lying across the bottom of a phone', () => {
    const card = { left: 10, top: 500, right: 383, bottom: 736 };
    const tabs = { left: 0, top: 744, right: 393, bottom: 800 };
    const strip = { left: 10, top: 120, right: 337, bottom: 168 };
    const padding = visiblePadding(PHONE_MAP, [card, tabs, strip]);
    expect(padding).toEqual({ top: 58, right: 0, bottom: 300, left: 0 });
    // Halfway between the tool strip's bottom (58 px into the map) and the card's top (390 px).
    expect(visibleCentre({ width: 393, height: 690 }, padding)).toEqual({ x: 196.5, y: 224 });
  });

  it('stays the map’s own centre beside the desk’s narrow card in the bottom-left corner', () => {
    const card = { left: 10, top: 560, right: 350, bottom: 764 };
    expect(visiblePadding(DESK_MAP, [card])).toEqual({ top: 0, right: 0, bottom: 0, left: 0 });
    expect(visibleCentre({ width: 1280, height: 740 }, visiblePadding(DESK_MAP, [card]))).toEqual({ x: 640, y: 370 });
  });

  it('ignores what lies outside the map and gives up a bottom bar that would leave too little map', () => {
    const outside = { left: 0, top: 0, right: 393, bottom: 100 };
    expect(visiblePadding(PHONE_MAP, [outside])).toEqual({ top: 0, right: 0, bottom: 0, left: 0 });
    const huge = { left: 0, top: 200, right: 393, bottom: 800 };
    const padding = visiblePadding(PHONE_MAP, [huge]);
    expect(690 - padding.top - padding.bottom).toBe(120);
  });
});

describe('the corners placed at the crosshair', () => {
  it('adds corners in order, undoes the last one, and closes only from 3 corners, saying why before', () => {
    const corners = new CornerList();
    expect(corners.close()).toEqual({ valid: false, reason: TOO_FEW_CORNERS });
    const square = [ORIGIN, offset(ORIGIN, 40, 0), offset(ORIGIN, 40, 25), offset(ORIGIN, 0, 25)];
    corners.add({ at: square[0]!, snapped: undefined });
    corners.add({ at: square[1]!, snapped: 'vertex' });
    expect(corners.close()).toEqual({ valid: false, reason: TOO_FEW_CORNERS });
    corners.add({ at: square[2]!, snapped: undefined });
    corners.add({ at: offset(ORIGIN, 70, 70), snapped: undefined });
    expect(corners.undo()?.at).toEqual(offset(ORIGIN, 70, 70));
    corners.add({ at: square[3]!, snapped: 'edge' });
    expect(corners.corners.map((c) => c.snapped)).toEqual([undefined, 'vertex', undefined, 'edge']);
    const closed = corners.close();
    if (!closed.valid) throw new Error(closed.reason);
    expect(closed.polygon.coordinates[0]).toEqual([...square, square[0]]);
    // 40 m × 25 m, within the flat approximation of the offsets.
    expect(corners.measure().areaM2).toBeCloseTo(1000, -1);
    expect(corners.measure().areaM2).toBe(polygonAreaM2(closed.polygon));
    expect(corners.measure().perimeterM).toBeCloseTo(130, 0);
  });

  it('refuses the same corner twice in a row (a double tap without panning)', () => {
    const corners = new CornerList();
    corners.add({ at: ORIGIN, snapped: undefined });
    expect(corners.add({ at: offset(ORIGIN, 0.01, 0), snapped: undefined })).toEqual({ valid: false, reason: SAME_AS_LAST });
    expect(corners.add({ at: offset(ORIGIN, 1, 0), snapped: undefined })).toEqual({ valid: true, index: 1 });
    expect(corners.corners).toHaveLength(2);
  });

  it('undo with no corner answers nothing and changes nothing', () => {
    const corners = new CornerList();
    expect(corners.undo()).toBeUndefined();
    expect(corners.measure()).toEqual({ areaM2: 0, perimeterM: 0 });
  });
});

describe('lengths', () => {
  it('an edge of 100 m north and one of 100 m east measure 100 m within 0.5 %', () => {
    expect(edgeLengthM(ORIGIN, offset(ORIGIN, 0, 100))).toBeCloseTo(100, -0.3);
    expect(edgeLengthM(ORIGIN, offset(ORIGIN, 100, 0))).toBeCloseTo(100, -0.3);
  });

  it('two corners are a segment, not a ring there and back', () => {
    expect(perimeterM([ORIGIN, offset(ORIGIN, 30, 40)])).toBeCloseTo(50, 0);
  });
});

describe('snapping the crosshair', () => {
  // A neighbour's square, projected as a flat 0.5 m per pixel screen centred on ORIGIN.
  const neighbour = [ORIGIN, offset(ORIGIN, 20, 0), offset(ORIGIN, 20, 20), offset(ORIGIN, 0, 20), ORIGIN];
  const rings = ringsOf({ type: 'Polygon', coordinates: [neighbour] });
  const project = (p: LonLat) => ({
    x: ((p[0] - ORIGIN[0]) * 111_320 * Math.cos((ORIGIN[1] * Math.PI) / 180)) / 0.5,
    y: (-(p[1] - ORIGIN[1]) * 110_574) / 0.5,
  });
  const at = (eastM: number, northM: number) => {
    const centre = offset(ORIGIN, eastM, northM);
    return snapCorner(centre, project(centre), rings, project, 18);
  };

  it('a crosshair 3 m from the neighbour’s corner takes that corner exactly', () => {
    expect(at(22, 1)).toEqual({ at: neighbour[1], snapped: 'vertex' });
  });

  it('a crosshair 3 m beside an edge lands on the edge', () => {
    const corner = at(23, 10);
    expect(corner.snapped).toBe('edge');
    expect(corner.at[0]).toBeCloseTo(neighbour[1]![0], 9);
    expect(edgeLengthM(corner.at, offset(ORIGIN, 20, 10))).toBeLessThan(0.01);
  });

  it('a crosshair farther than the tolerance stays where it is', () => {
    expect(at(30, 10)).toEqual({ at: offset(ORIGIN, 30, 10), snapped: undefined });
  });
});
