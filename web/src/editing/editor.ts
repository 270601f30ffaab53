import type { SessionUser } from '../api/session.ts';
import type { MapHandle } from '../map/create-map.ts';

/** Opens the plot editor (loaded on demand, so farmers and visitors never download it). */
export async function openEditor(_handle: MapHandle, _user: SessionUser): Promise<void> {
  // Filled in by the editing work.
}
