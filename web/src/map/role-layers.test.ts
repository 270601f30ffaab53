import { describe, expect, it } from 'vitest';
import { LAYER_GROUPS } from '../../../server/routes/style.ts';
import type { LayerGroup } from './layer-groups.ts';
import { LayerDefaults } from './role-layers.ts';

/** The groups as the server's style declares them, fresh for each test (use() changes them). */
const styleGroups = (): LayerGroup[] => LAYER_GROUPS.map((g) => ({ ...g }));

const shown = (d: Record<string, boolean>) => Object.keys(d).filter((id) => d[id]);

describe('layers each role starts from', () => {
  it('a planner starts on the zoning plans with the farm layers off; guests, officers, farmers and admins on the style’s', () => {
    const defaults = new LayerDefaults(styleGroups());
    expect(shown(defaults.of('planner'))).toEqual(['water', 'parcels', 'zones', 'roads', 'admin']);
    const style = ['water', 'parcels', 'roads', 'admin', 'growing_areas', 'plots', 'products'];
    for (const role of [undefined, 'anonymous', 'officer', 'farmer', 'admin'] as const) expect(shown(defaults.of(role))).toEqual(style);
  });

  it('use() sets the groups’ defaults for the role and back for a guest, saying whether anything changed', () => {
    const groups = styleGroups();
    const defaults = new LayerDefaults(groups);
    expect(defaults.use('officer')).toBe(false);
    expect(defaults.use('planner')).toBe(true);
    expect(groups.find((g) => g.id === 'zones')!.visible).toBe(true);
    expect(groups.find((g) => g.id === 'plots')!.visible).toBe(false);
    expect(defaults.use('planner')).toBe(false);
    expect(defaults.use(undefined)).toBe(true);
    expect(groups.map((g) => g.visible)).toEqual(styleGroups().map((g) => g.visible));
  });

  it('atDefaults tells a view left at the defaults from one chosen by hand', () => {
    const groups = styleGroups();
    const defaults = new LayerDefaults(groups);
    const visible = Object.fromEntries(groups.map((g) => [g.id, g.visible]));
    expect(defaults.atDefaults(visible)).toBe(true);
    expect(defaults.atDefaults({ ...visible, zones: true })).toBe(false);
    defaults.use('planner');
    expect(defaults.atDefaults(visible)).toBe(false);
    expect(defaults.atDefaults(defaults.of('planner'))).toBe(true);
    // A link leaves its layers out only at the style's own defaults, whoever is signed in.
    expect(defaults.atStyleDefaults(visible)).toBe(true);
    expect(defaults.atStyleDefaults(defaults.of('planner'))).toBe(false);
  });

  it('a group the style lacks (a source the server could not serve) is not invented', () => {
    const groups = styleGroups().filter((g) => g.id !== 'zones');
    expect(Object.keys(new LayerDefaults(groups).of('planner'))).not.toContain('zones');
  });
});
