import type { Polygon, Position } from 'geojson';
import { afterEach, describe, expect, it } from 'vitest';
import { startLang } from '../i18n/i18n.ts';
import { nearParcelOf, overlapPlotName, plotOverlaps, savedPlotOf, type SavedPlot } from './overlap.ts';

// Metres per degree on the WGS 84 ellipsoid at latitude 10.46° (Cao Lãnh).
const M_LAT = 1 / 110609.6;
const M_LON = 1 / 109481.9;
const O: [number, number] = [105.63, 10.46];

/** A closed ring of the rectangle [x0, x1] × [y0, y1], in metres east and north of O. */
function ring(x0: number, y0: number, x1: number, y1: number): Position[] {
  const p = (x: number, y: number) => [O[0] + x * M_LON, O[1] + y * M_LAT];
  return [p(x0, y0), p(x1, y0), p(x1, y1), p(x0, y1), p(x0, y0)];
}

const rect = (x0: number, y0: number, x1: number, y1: number, ...holes: Position[][]): Polygon => ({
  type: 'Polygon',
  coordinates: [ring(x0, y0, x1, y1), ...holes],
});

const plot = (id: number, geometry: Polygon): SavedPlot => savedPlotOf({ id, geometry })!;

describe('overlap of a drawing with saved plots', () => {
  it('names the plot two squares share, with the shared m², and none once apart', () => {
    const saved = [plot(7, rect(0, 0, 40, 40))];
    // 20 m × 40 m of the 40 m square is under the drawing.
    const [over, ...rest] = plotOverlaps(rect(20, 0, 60, 40), saved);
    expect(rest).toEqual([]);
    expect(over!.id).toBe(7);
    expect(over!.overlapM2).toBeGreaterThan(799.6);
    expect(over!.overlapM2).toBeLessThan(800.4);
    // Side by side (a shared edge, as snapping makes) is no overlap.
    expect(plotOverlaps(rect(40, 0, 80, 40), saved)).toEqual([]);
    expect(plotOverlaps(rect(100, 100, 140, 140), saved)).toEqual([]);
  });

  it('lets a sliver under the threshold pass and refuses one over it', () => {
    const saved = [plot(3, rect(0, 0, 40, 40))];
    // 0.02 m × 40 m = 0.8 m², a snapping artefact; 0.05 m × 40 m = 2 m² is not.
    expect(plotOverlaps(rect(39.98, 0, 80, 40), saved)).toEqual([]);
    const [over] = plotOverlaps(rect(39.95, 0, 80, 40), saved);
    expect(over?.id).toBe(3);
    expect(over!.overlapM2).toBeGreaterThan(1.9);
    expect(over!.overlapM2).toBeLessThan(2.1);
    // The threshold is the caller's to change.
    expect(plotOverlaps(rect(39.95, 0, 80, 40), saved, { thresholdM2: 3 })).toEqual([]);
  });

  it('counts only the plot’s land, not its hole', () => {
    // A 100 m square plot with a 40 m hole in the middle (a pond left out of the plot).
    const saved = [plot(9, rect(0, 0, 100, 100, ring(30, 30, 70, 70)))];
    expect(plotOverlaps(rect(35, 35, 65, 65), saved)).toEqual([]);
    // A drawing that spills 10 m past the hole on one side: 10 m × 40 m on the plot's land.
    const [over] = plotOverlaps(rect(30, 30, 80, 70), saved);
    expect(over?.id).toBe(9);
    expect(over!.overlapM2).toBeGreaterThan(399.7);
    expect(over!.overlapM2).toBeLessThan(400.3);
  });

  it('leaves out the plot being edited, lists the others in id order, reads multipolygons', () => {
    const saved = [
      plot(12, rect(0, 0, 40, 40)),
      plot(5, rect(40, 0, 80, 40)),
      savedPlotOf({ id: 8, geometry: { type: 'MultiPolygon', coordinates: [[ring(200, 0, 240, 40)], [ring(0, 50, 80, 60)]] } })!,
    ];
    const moved = rect(10, 10, 70, 55);
    expect(plotOverlaps(moved, saved).map((o) => o.id)).toEqual([5, 8, 12]);
    expect(plotOverlaps(moved, saved, { excludeId: 12 }).map((o) => o.id)).toEqual([5, 8]);
    // Only the second part of plot 8 is under the drawing: 60 m × 5 m.
    expect(plotOverlaps(moved, saved).find((o) => o.id === 8)!.overlapM2).toBeCloseTo(300, 0);
  });

  it('measures a drawing of many corners (cut to each plot’s box first) as one of few', () => {
    /** The ring through the given corners (metres from O), each side cut into `parts` corners. */
    const dense = (corners: [number, number][], parts: number): Polygon => {
      const out: Position[] = [];
      corners.forEach(([x0, y0], i) => {
        const [x1, y1] = corners[(i + 1) % corners.length]!;
        for (let k = 0; k < parts; k++)
          out.push([O[0] + (x0 + ((x1 - x0) * k) / parts) * M_LON, O[1] + (y0 + ((y1 - y0) * k) / parts) * M_LAT]);
      });
      return { type: 'Polygon', coordinates: [[...out, out[0]!]] };
    };
    // A U of 100 m open to the north (a 20 m notch, 80 m deep), 30 corners a side: 240 corners.
    const u = dense(
      [
        [0, 0],
        [100, 0],
        [100, 100],
        [60, 100],
        [60, 20],
        [40, 20],
        [40, 100],
        [0, 100],
      ],
      30,
    );
    expect(u.coordinates[0]!.length).toBeGreaterThan(40);
    // A plot in the notch is not under the U; one across the notch is, on both arms: 2 × 10 m × 20 m.
    expect(plotOverlaps(u, [plot(1, rect(45, 50, 55, 70))])).toEqual([]);
    const [across] = plotOverlaps(u, [plot(2, rect(30, 50, 70, 70))]);
    expect(across!.overlapM2).toBeGreaterThan(399.7);
    expect(across!.overlapM2).toBeLessThan(400.3);
    // The first squares again, drawn with 120 corners: the same 800 m².
    const [half] = plotOverlaps(
      dense(
        [
          [20, 0],
          [60, 0],
          [60, 40],
          [20, 40],
        ],
        30,
      ),
      [plot(7, rect(0, 0, 40, 40))],
    );
    expect(half!.overlapM2).toBeGreaterThan(799.6);
    expect(half!.overlapM2).toBeLessThan(800.4);
  });

  it('skips what it cannot read rather than throwing', () => {
    expect(savedPlotOf({ id: 'x', geometry: rect(0, 0, 1, 1) })).toBeUndefined();
    expect(savedPlotOf({ id: 4, geometry: { type: 'Point', coordinates: [0, 0] } })).toBeUndefined();
    expect(savedPlotOf({ id: 4, geometry: null })).toBeUndefined();
    // A bow tie (a ring crossing itself mid-edit): the geometry validator tells that fault.
    const bowTie: Polygon = {
      type: 'Polygon',
      coordinates: [[...ring(0, 0, 40, 40).slice(0, 2), ...ring(0, 0, 40, 40).slice(3, 4), ring(0, 0, 40, 40)[2]!, ring(0, 0, 40, 40)[0]!]],
    };
    expect(() => plotOverlaps(bowTie, [plot(1, rect(0, 0, 40, 40))])).not.toThrow();
  });
});

describe('an overlapped plot in the drawing’s warning', () => {
  // startLang marks the page's language; a bare stand-in page is enough here (as search-wording's test).
  (globalThis as { document?: unknown }).document ??= { documentElement: {} };
  afterEach(() => startLang('vi'));

  it('is named by its farmer and the parcel it lies on as far as they are known, by its record number only when neither is (audit s17)', () => {
    const drawing = rect(20, 0, 60, 40);
    const named = savedPlotOf({ id: 1, properties: { farmer_name: ' Trần Thanh Nhung ' }, geometry: rect(0, 0, 40, 40) })!;
    const parcels = [
      nearParcelOf({ properties: { sheet: 6, parcel_no: 121, commune_code: '29872' }, geometry: rect(-100, -100, -50, -50) })!,
      nearParcelOf({ properties: { sheet: 6, parcel_no: 120, commune_code: '29872' }, geometry: rect(-5, -5, 45, 45) })!,
    ];
    // A parcel without its sheet and number (a low zoom's tile) names nothing.
    expect(nearParcelOf({ properties: { land_use_code: 'ODT' }, geometry: rect(0, 0, 1, 1) })).toBeUndefined();
    startLang('vi');
    const [both] = plotOverlaps(drawing, [named], { parcels });
    expect(both).toMatchObject({ id: 1, farmerName: 'Trần Thanh Nhung', parcel: { sheet: 6, parcel: 120, commune: '29872' } });
    expect(overlapPlotName(both!)).toBe('thửa của Trần Thanh Nhung trên tờ 6 thửa 120, xã/phường 29872');
    // A guest or another commune's officer gets no farmer from the features API: the parcel alone.
    const [anonymous] = plotOverlaps(drawing, [plot(1, rect(0, 0, 40, 40))], { parcels });
    expect(overlapPlotName(anonymous!)).toBe('thửa trên tờ 6 thửa 120, xã/phường 29872');
    const [farmerOnly] = plotOverlaps(drawing, [named]);
    expect(overlapPlotName(farmerOnly!)).toBe('thửa của Trần Thanh Nhung');
    const [bare] = plotOverlaps(drawing, [plot(1, rect(0, 0, 40, 40))], { parcels: [parcels[0]!] });
    expect(overlapPlotName(bare!)).toBe('#1');
    startLang('en');
    expect(overlapPlotName(both!)).toBe('Trần Thanh Nhung’s plot on sheet 6 parcel 120, commune/ward 29872');
  });
});
