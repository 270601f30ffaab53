import { describe, expect, it } from 'vitest';
import { formatViewState, parseViewState, shownGroups, withoutSelection } from './url-state.ts';

describe('the view in the URL hash', () => {
  it('round-trips position, layers, opacity, selection and language', () => {
    const hash = '#c=105.63310,10.46010,15.25,30&l=parcels,zones&o=zones:60&s=parcels:123&lang=en';
    const state = parseViewState(hash);
    expect(state).toEqual({
      center: [105.6331, 10.4601],
      zoom: 15.25,
      bearing: 30,
      layers: ['parcels', 'zones'],
      opacity: { zones: 0.6 },
      selection: { group: 'parcels', id: '123' },
      lang: 'en',
    });
    expect(formatViewState(state)).toBe(hash);
  });

  it('leaves out what is at its default, so shared links stay short', () => {
    expect(formatViewState({ center: [105.6, 10.4], zoom: 14, bearing: 0, opacity: { parcels: 1 }, lang: 'vi' })).toBe(
      '#c=105.60000,10.40000,14',
    );
    expect(formatViewState({ opacity: {} })).toBe('');
  });

  it('drops malformed or hostile parts instead of throwing', () => {
    const state = parseViewState('#c=999,10,14&l=parcels,<script>,zones&o=zones:150,parcels:abc&s=parcels:1;DROP TABLE&lang=fr');
    expect(state.center).toBeUndefined();
    expect(state.layers).toEqual(['parcels', 'zones']);
    expect(state.opacity).toEqual({});
    expect(state.selection).toBeUndefined();
    expect(state.lang).toBeUndefined();
    expect(parseViewState('')).toEqual({ opacity: {} });
    expect(parseViewState('#c=a,b,c&s=:5')).toEqual({ opacity: {} });
  });

  it("shows the map's defaults for a link naming only groups the map lacks, and drops the unknown ones of a mix", () => {
    const known = ['roads', 'parcels', 'zones'];
    expect(shownGroups(parseViewState('#l=nope').layers, known)).toBeUndefined();
    expect(shownGroups(parseViewState('#l=nope,zones').layers, known)).toEqual(['zones']);
    expect(shownGroups(parseViewState('#l=').layers, known)).toEqual([]);
    expect(shownGroups(parseViewState('#c=105.6,10.4,14').layers, known)).toBeUndefined();
  });

  it('reads the "#zoom/lat/lon" links of other web maps, and range-checks them like its own', () => {
    expect(parseViewState('#16/10.4601/105.6331')).toEqual({ center: [105.6331, 10.4601], zoom: 16, opacity: {} });
    expect(parseViewState('#15.5/10.46/105.63/45')).toEqual({ center: [105.63, 10.46], zoom: 15.5, bearing: 45, opacity: {} });
    expect(parseViewState('#16/95/105.63')).toEqual({ opacity: {} });
    expect(parseViewState('#16/10.46/105.63/x')).toEqual({ opacity: {} });
  });

  it('carries the land-use map: a kind for its current map, an id for another', () => {
    expect(parseViewState('#lu=plan').landuse).toEqual({ kind: 'plan' });
    expect(parseViewState('#c=105.6,10.4,14&lu=status:12').landuse).toEqual({ kind: 'status', id: 12 });
    expect(formatViewState({ opacity: {}, landuse: { kind: 'plan' } })).toBe('#lu=plan');
    expect(formatViewState({ opacity: {}, landuse: { kind: 'plan', id: 4 } })).toBe('#lu=plan:4');
    expect(formatViewState({ opacity: {}, landuse: { kind: 'status', id: 3 } })).toBe('#lu=status:3');
    expect(formatViewState({ opacity: {}, landuse: { kind: 'status' } })).toBe('#lu=status');
    expect(formatViewState({ opacity: {} })).toBe('');
    const hash = '#c=105.63310,10.46010,15&l=landuse,parcels&lu=plan:2';
    expect(formatViewState(parseViewState(hash))).toBe(hash);
  });

  it('drops a malformed land-use map', () => {
    for (const bad of [
      '#lu=',
      '#lu=zoning',
      '#lu=plan:',
      '#lu=plan:0',
      '#lu=plan:-1',
      '#lu=plan:1e3',
      '#lu=plan:12345678901',
      '#lu=PLAN',
      '#lu=plan:2:3',
    ])
      expect(parseViewState(bad).landuse, bad).toBeUndefined();
  });

  it('keeps an empty layer list (everything switched off) apart from "defaults"', () => {
    expect(parseViewState('#l=').layers).toEqual([]);
    expect(parseViewState('#c=105,10,12').layers).toBeUndefined();
  });
});

describe('the map under a shared link’s card', () => {
  it('is the link without its selection, every other part as written', () => {
    expect(withoutSelection('#c=105.63310,10.46010,15.2&l=parcels,zones&s=parcels:123&lang=en')).toBe(
      '#c=105.63310,10.46010,15.2&l=parcels,zones&lang=en',
    );
    expect(withoutSelection('s=growing_areas:7&lu=plan')).toBe('#lu=plan');
    expect(withoutSelection('#s=plots:9')).toBe('');
    expect(withoutSelection('#c=105.6,10.4,15')).toBe('#c=105.6,10.4,15');
    expect(parseViewState(withoutSelection('#c=105.6,10.4,15&s=plots:9')).selection).toBeUndefined();
  });
});
