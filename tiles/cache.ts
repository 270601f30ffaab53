// The in-process tile cache: bounded by bytes (least recently used goes first), indexed by source
// so that a change drops exactly the cached tiles whose buffered bounds meet the changed boxes.
import { boxesIntersect, type Box } from './tile-coord.ts';

/** A cached tile: raw bytes, the codings compressed so far, its strong ETag, and what it depends on. */
export type CacheEntry = Readonly<{
  key: string;
  /** Sources whose data is in the tile (one, or the members of a composite). */
  sources: readonly string[];
  z: number;
  /** The tile's bounds plus buffer, EPSG:4326: a change meeting it makes the tile stale. */
  box: Box;
  bytes: Uint8Array;
  /** Compressed bytes per content coding, added on first need (see TileCache.grow). */
  encoded: Readonly<Partial<Record<'gzip' | 'br', Uint8Array>>>;
  etag: string;
  /** Whether every member was rendered in the public scope (shared caches may keep it). */
  shared: boolean;
}>;

// Map and key overhead per entry, so ten thousand empty tiles still count.
const ENTRY_OVERHEAD = 200;

const sizeOf = (e: CacheEntry) =>
  e.bytes.byteLength + (e.encoded.gzip?.byteLength ?? 0) + (e.encoded.br?.byteLength ?? 0) + e.key.length * 2 + ENTRY_OVERHEAD;

/** Counters for the benchmark and /tiles diagnostics. */
export type CacheStats = { entries: number; bytes: number; hits: number; misses: number; evictions: number; invalidations: number };

/** A byte-bounded LRU of tiles with invalidation by bounding box. */
export class TileCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly bySource = new Map<string, Set<string>>();
  private used = 0;
  private counters = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };

  constructor(readonly maxBytes: number) {}

  /** The entry for key, refreshed as most recently used. */
  get(key: string): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits++;
    // Map keeps insertion order: re-inserting makes it the newest.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /** Stores an entry, evicting the least recently used ones beyond the byte budget. */
  set(entry: CacheEntry): void {
    const size = sizeOf(entry);
    if (size > this.maxBytes) return;
    this.remove(entry.key);
    this.entries.set(entry.key, entry);
    this.used += size;
    for (const s of entry.sources) {
      let set = this.bySource.get(s);
      if (!set) this.bySource.set(s, (set = new Set()));
      set.add(entry.key);
    }
    this.evict();
  }

  /** Whether this very entry (not a newer one under its key) is in the cache. */
  holds(entry: CacheEntry): boolean {
    return this.entries.get(entry.key) === entry;
  }

  /**
   * Counts bytes just added to a cached entry (a new compressed coding; negative when a coding was
   * replaced by a smaller one) and evicts beyond the budget; nothing to count when the entry has
   * already left the cache.
   */
  grow(entry: CacheEntry, bytes: number): void {
    if (!this.holds(entry)) return;
    this.used += bytes;
    this.evict();
  }

  private evict(): void {
    for (const oldest of this.entries.keys()) {
      if (this.used <= this.maxBytes) break;
      this.remove(oldest);
      this.counters.evictions++;
    }
  }

  /**
   * Drops the tiles of any of the sources whose buffered bounds meet any box, at zooms in
   * [minZoom, maxZoom]; returns how many went.
   */
  invalidate(sources: Iterable<string>, boxes: readonly Box[], minZoom = 0, maxZoom = Infinity): number {
    let dropped = 0;
    for (const s of sources) {
      const keys = this.bySource.get(s);
      if (!keys) continue;
      for (const key of [...keys]) {
        const e = this.entries.get(key);
        if (!e || e.z < minZoom || e.z > maxZoom) continue;
        if (boxes.some((b) => boxesIntersect(b, e.box))) {
          this.remove(key);
          dropped++;
        }
      }
    }
    this.counters.invalidations += dropped;
    return dropped;
  }

  /** Empties the cache. */
  clear(): void {
    this.entries.clear();
    this.bySource.clear();
    this.used = 0;
  }

  /** Current size and counters. */
  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.used, ...this.counters };
  }

  private remove(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.used -= sizeOf(e);
    for (const s of e.sources) this.bySource.get(s)?.delete(key);
  }
}
