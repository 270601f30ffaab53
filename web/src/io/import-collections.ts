// Which collections a role may import into: all the Tools tab needs to know before the import form
// (import-logic.ts, import-panel.ts) is fetched on first use, so guests and farmers never download it.
import type { Role } from '../../../server/contracts/viewer.ts';

/** A collection the server imports into, who may write it, and what the form must ask for it. */
export type ImportCollection = {
  id: 'parcels' | 'plots' | 'products' | 'landuse' | 'zones';
  roles: readonly Role[];
  /** A default the file often lacks: the commune code, the land-use map, the zoning plan. */
  asks: 'commune' | 'map' | 'plan';
};

/** The server's import targets (server/io/targets.ts: same roles; its unit test compares them). */
export const IMPORT_COLLECTIONS: readonly ImportCollection[] = [
  { id: 'plots', roles: ['admin', 'officer'], asks: 'commune' },
  { id: 'products', roles: ['admin', 'officer'], asks: 'commune' },
  { id: 'parcels', roles: ['admin', 'officer'], asks: 'commune' },
  { id: 'landuse', roles: ['admin', 'officer'], asks: 'map' },
  { id: 'zones', roles: ['admin', 'planner'], asks: 'plan' },
];

/** The collections this role may import into (none for guests and farmers). */
export function writableCollections(role: Role | undefined): ImportCollection[] {
  return role ? IMPORT_COLLECTIONS.filter((c) => c.roles.includes(role)) : [];
}
