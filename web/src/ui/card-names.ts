// Names that a details card shows in place of the record ids and codes its feature carries: a
// commune's name for its code, a growing area's name for a plot's growing_area_id. Each is one small
// request to the features API, read once per code or id and kept for the page's life; a failed read
// (offline) is tried again by the next card that needs it, and meanwhile the card shows the code.
import { vietnamToday } from '../../../server/domain/vietnam-time.ts';
import { getJson } from '../api/http.ts';

/** One version of an administrative unit as the features API's `admin` collection serves it. */
export type UnitVersion = {
  name: string;
  valid_from: string | null;
  valid_to: string | null;
  /** Where a version no longer in force is today (the features API's today_units: 'Phường Cao Lãnh'). */
  today_units?: string | null;
};

/**
 * The name a commune code has on `day` (YYYY-MM-DD); for a code no longer in use (a commune merged
 * on 01/07/2025) the name it last had. Undefined when no version is named.
 */
export function unitNameOn(versions: readonly UnitVersion[], day: string): string | undefined {
  const named = versions.filter((v) => v.name);
  const current = named.find((v) => (v.valid_from ?? '') <= day && (v.valid_to === null || v.valid_to > day));
  if (current) return current.name;
  // The latest to close: an old commune is known by its last name (29869 was Phường 2, then Phường 1).
  return [...named].sort((a, b) => (b.valid_to ?? '9999').localeCompare(a.valid_to ?? '9999'))[0]?.name;
}

/**
 * A commune or ward as a card names it: its name, whether that unit is no longer in force (said "cũ" /
 * "former"), and for a former one the units of today it became part of, when known.
 */
export type CardUnit = { name: string; former: boolean; today?: string };

/**
 * A commune code as a card names it on `day`: today's name when the code is in force; the name it
 * last had, marked former, for a code no longer in use (Phường 4, 29872, merged into Phường Cao
 * Lãnh on 01/07/2025: the card read 'Phường 4' as if it still were, audit s17). `nameThen` is the
 * name a parcel's survey gave its code (the lookup's): kept, and former unless it is today's name.
 */
export function unitOnCard(versions: readonly UnitVersion[], day: string, nameThen?: string): CardUnit | undefined {
  const named = versions.filter((v) => v.name);
  const current = named.find((v) => (v.valid_from ?? '') <= day && (v.valid_to === null || v.valid_to > day));
  const name = nameThen || unitNameOn(versions, day);
  if (!name) return undefined;
  const former = current === undefined || current.name !== name;
  if (!former) return { name, former };
  // Today: the unit in force under the same code (renamed), else where the version of that name went.
  const closed = named.filter((v) => v.name === name && v.today_units).sort((a, b) => (b.valid_to ?? '').localeCompare(a.valid_to ?? ''));
  const today = current?.name ?? closed[0]?.today_units ?? undefined;
  return { name, former, ...(today ? { today } : {}) };
}

type Collection = { features?: { properties?: Record<string, unknown> }[] };

/** Every version of a commune code, names and dates only (a ward's outline is ~100 KB, seconds on a weak link). */
async function unitVersions(code: string): Promise<UnitVersion[]> {
  const body = await getJson<Collection>(`/ogc/collections/admin/items?code=${encodeURIComponent(code)}&limit=20&skipGeometry=true`, {
    headers: { Accept: 'application/geo+json' },
  });
  return (body.features ?? []).map((f) => {
    const p = f.properties ?? {};
    return {
      name: typeof p.name === 'string' ? p.name : '',
      valid_from: typeof p.valid_from === 'string' ? p.valid_from : null,
      valid_to: typeof p.valid_to === 'string' ? p.valid_to : null,
      today_units: typeof p.today_units === 'string' && p.today_units ? p.today_units : null,
    };
  });
}

/** Reads and keeps the names the cards need, and calls `changed` when one arrives. */
export class CardNames {
  private readonly communes = new Map<string, string>();
  private readonly versions = new Map<string, UnitVersion[]>();
  private readonly areas = new Map<string, string>();
  private readonly pending = new Set<string>();

  constructor(private readonly changed: () => void) {}

  /** Today's name of a commune or ward code, once read (asked for on first use). */
  commune(code: unknown): string | undefined {
    if (typeof code !== 'string' || !/^\d{3,6}$/.test(code)) return undefined;
    return this.read(this.communes, `commune:${code}`, code, async () => {
      const versions = await unitVersions(code);
      this.versions.set(code, versions);
      return unitNameOn(versions, vietnamToday());
    });
  }

  /**
   * A commune or ward code as a card names it (unitOnCard), once its versions are read: a former
   * unit is marked so. `nameThen` is a parcel's commune name at its survey, when the lookup gave it.
   */
  communeOnCard(code: unknown, nameThen?: string): CardUnit | undefined {
    if (this.commune(code) === undefined) return undefined;
    const versions = this.versions.get(String(code));
    return versions ? unitOnCard(versions, vietnamToday(), nameThen) : undefined;
  }

  /**
   * The name of a growing area by id, once read. The features API shows a draft only to its officers:
   * for anyone else the read is refused and the card keeps the area's code.
   */
  growingArea(id: unknown): string | undefined {
    const key = String(id ?? '');
    if (!/^\d{1,15}$/.test(key)) return undefined;
    return this.read(this.areas, `area:${key}`, key, async () => {
      const body = await getJson<{ properties?: Record<string, unknown> }>(`/ogc/collections/growing_areas/items/${key}`, {
        headers: { Accept: 'application/geo+json' },
      });
      const name = body.properties?.name;
      return typeof name === 'string' && name ? name : undefined;
    });
  }

  private read(cache: Map<string, string>, pendingKey: string, key: string, load: () => Promise<string | undefined>): string | undefined {
    const known = cache.get(key);
    if (known !== undefined || this.pending.has(pendingKey)) return known;
    this.pending.add(pendingKey);
    load().then(
      (name) => {
        if (!name) return;
        cache.set(key, name);
        this.pending.delete(pendingKey);
        this.changed();
      },
      () => this.pending.delete(pendingKey),
    );
    return undefined;
  }
}
