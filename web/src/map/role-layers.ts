import type { Role } from '../../../server/contracts/viewer.ts';
import type { LayerGroup } from './layer-groups.ts';

/**
 * The layers a role's work starts from, over the style's own defaults (a guest's: parcels and the
 * farm layers over the basemap). A planner reads what may be built where: the zoning plans are on,
 * and the farm layers (products, plots, growing areas), which are not their work, are off until
 * they switch them on. Officers, farmers and administrators start from the style's defaults.
 */
const ROLE_LAYERS: Partial<Record<Role, Readonly<Record<string, boolean>>>> = {
  planner: { zones: true, growing_areas: false, plots: false, products: false },
};

/**
 * Keeps the layer groups' `visible` (what a link without `l=` shows this viewer, and what the layer
 * panel starts from) at the defaults of whoever is signed in. The groups are the style's own
 * objects, so the legend, which reads the same groups, agrees. Links are written against the
 * style's own defaults (atStyleDefaults), which are the same for everyone who opens them.
 */
export class LayerDefaults {
  private readonly style: Readonly<Record<string, boolean>>;

  constructor(private readonly groups: LayerGroup[]) {
    this.style = Object.fromEntries(groups.map((g) => [g.id, g.visible]));
  }

  /** The defaults of a role (undefined: a guest), for every group the style has. */
  of(role: Role | undefined): Record<string, boolean> {
    const own = (role && ROLE_LAYERS[role]) || {};
    return Object.fromEntries(this.groups.map((g) => [g.id, own[g.id] ?? this.style[g.id]!]));
  }

  /** Makes the groups' defaults the role's; true when any group's default changed. */
  use(role: Role | undefined): boolean {
    const next = this.of(role);
    let changed = false;
    for (const g of this.groups) {
      if (g.visible === next[g.id]) continue;
      g.visible = next[g.id]!;
      changed = true;
    }
    return changed;
  }

  /** Whether every group shows as its current default says (nothing chosen by hand, or chosen back). */
  atDefaults(visible: Readonly<Record<string, boolean>>): boolean {
    return this.groups.every((g) => visible[g.id] === g.visible);
  }

  /**
   * Whether every group shows as the style's own defaults say: only then may a link leave its layers
   * out (`l=`), for a link is opened by anyone (a planner's link to a view with zoning shows zoning to
   * the guest who opens it).
   */
  atStyleDefaults(visible: Readonly<Record<string, boolean>>): boolean {
    return this.groups.every((g) => visible[g.id] === this.style[g.id]);
  }
}
