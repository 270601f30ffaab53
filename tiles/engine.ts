// The tile engine: the catalog, the cache and the limiter behind one object. The HTTP shell asks
// it for tiles and TileJSON facts and feeds it change notifications; it never sees HTTP.
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress as brotliCallback, brotliCompressSync, constants as zlib, gzip as gzipCallback, gzipSync } from 'node:zlib';
import { TileCache, type CacheEntry, type CacheStats } from './cache.ts';
import { buildCatalog, type Catalog } from './catalog.ts';
import {
  BUFFER,
  PUBLIC_SCOPE,
  TileError,
  type EncoderKind,
  type Scope,
  type TileCapabilities,
  type TileDb,
  type TileViewer,
} from './layer.ts';
import { RenderLimiter } from './limiter.ts';
import { EMPTY_TILE, type TableSource } from './sources/table.source.ts';
import { tileBounds4326, tileKey, tileRange, type Box, type TileCoord } from './tile-coord.ts';

const gzip = promisify(gzipCallback);
const brotli = promisify(brotliCallback);

// Two levels per coding. On a response's path, the fast ones: on 400 z16 tiles of the 100,000-parcel
// set brotli quality 2 takes 0.12 ms at p50 (quality 3: 0.15) and gzip level 1 0.14 ms (level 5:
// 0.22), for 40.2 % and 42.0 % of the raw bytes (39.5 % and 40.2 %). A tile that stays in the cache
// is then compressed again at the better levels, one at a time in the thread pool, and the smaller
// copy replaces the first: brotli quality 5 gives 36.0 % (9 % fewer bytes than quality 3 for every
// later browser, most of them on a phone's link), gzip level 6 40.2 %. Compression sits on every
// cold tile's path and competes with the database for the cores; the second pass waits its turn and
// is skipped when a thousand are already waiting. A tile is compressed in a coding the first time a
// client asks for that coding: browsers all send "br", so a miss pays for one compression, not two.
const brotliAt = (quality: number) => ({
  params: { [zlib.BROTLI_PARAM_QUALITY]: quality, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_GENERIC },
});
const FAST = { br: brotliAt(2), gzip: { level: 1 } } as const;
const BEST = { br: brotliAt(5), gzip: { level: 6 } } as const;
const REFINE_QUEUE = 1000;
// Below this size a tile is compressed on the main thread: a typical 11 KB z16 tile takes 0.1–0.3 ms
// that way, while the thread-pool path (a zlib stream per call, two thread hops) added over a
// millisecond to each cold tile. Larger tiles go to the thread pool so one does not stall the rest.
const SYNC_COMPRESS_BYTES = 48 * 1024;

const asBytes = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** How the engine runs; every field has a sensible default from the database's capabilities. */
export type TileEngineOptions = {
  /** Bytes of tiles kept in memory; 0 turns the cache off (the benchmark's cold runs). */
  cacheBytes: number;
  /** Tiles rendered at once (default: the pool size). */
  concurrency?: number;
  /** Renders allowed to wait for a slot (default 20,000: a memory cap, far above ordinary use). */
  queueLimit?: number;
  /**
   * Longest a render may wait for a slot, ms (default 30 s); a render whose expected wait exceeds it
   * is refused at once. Both refusals are OVERLOADED (503 with Retry-After).
   */
  maxWaitMs?: number;
  /** Force an encoder (tests compare both); default in-database when the database has ST_AsMVT. */
  encoder?: EncoderKind;
  /** Where invalid notifications and background failures are reported. */
  log?: (message: string) => void;
};

/** A change notification as the tile_changes channel carries it (data/migrations/005). */
export type TileChange = { table: string; version: number; boxes: Box[] };

/**
 * Where a map client stands in the feed of changes (changesSince): this engine's instance, the
 * number of changes it had applied, and its clock then (ms). Opaque to clients: they send back
 * what they were given.
 */
export type ChangeCursor = { instance: string; seq: number; at: number };

/** One change as map clients are told it: the sources whose tiles it touched, and where. */
export type ChangeNotice = { sources: readonly string[]; boxes: readonly Box[] };

/**
 * The changes after a cursor and the cursor to ask from next. `complete` is false when some may be
 * missing (the cursor is older than what this engine remembers, or the change stream was broken
 * meanwhile): the client then refreshes every tile it shows.
 */
export type ChangeFeed = { cursor: ChangeCursor; complete: boolean; changes: ChangeNotice[] };

// The feed keeps the last FEED_LENGTH changes; a change over many places is told as FEED_BOXES
// boxes at most (the rest merged into their bounding box: a few more tiles refreshed, none missed);
// an answer tells FEED_TOLD changes at most, else to refresh everything.
const FEED_LENGTH = 1000;
const FEED_BOXES = 16;
const FEED_TOLD = 200;
// A cursor from another server process (behind a load balancer) is read by its clock, this much
// earlier: processes hear each change within milliseconds of each other, and a change told twice
// only costs the client a revalidation (304).
const FEED_OVERLAP_MS = 2000;
// A new client's first cursor starts this long before now: a tile it loaded while asking may
// have been drawn just before a change the cursor would otherwise be past.
const FEED_START_MS = 5000;

/** A compressed content coding a tile can be sent in. */
export type TileCoding = 'gzip' | 'br';

/**
 * A tile ready to send: raw bytes (empty for an empty tile), a strong ETag, and the codings
 * compressed so far (always the one the request asked for). A cache hit returns the very object
 * stored at fill time, so callers may memoise per result.
 */
export type TileResult = Readonly<{
  bytes: Uint8Array;
  encoded: Readonly<Partial<Record<TileCoding, Uint8Array>>>;
  etag: string;
  /** True when every member was rendered in the public scope, so shared caches may keep it. */
  shared: boolean;
}>;

/** What the list and TileJSON say about a source. */
export type SourceInfo = Readonly<{
  id: string;
  name: string;
  description: string;
  attribution: string | undefined;
  minzoom: number;
  maxzoom: number;
  geometryType: 'point' | 'line' | 'polygon';
  fields: Record<string, string>;
  /** Data version of the source: bumped by every change that touches it. */
  version: number;
}>;

/** A render under way: who asked (each one's "do I still want it?", undefined: always) and what it reads. */
type Flight = { promise: Promise<TileResult>; sources: readonly string[]; interest: ((() => boolean) | undefined)[] };

/** Whether a caller of tile() let go of it: the render is skipped if every caller of its flight has. */
export type Abandoned = () => boolean;

/** Renders, caches and invalidates tiles for every source of a catalog. */
export class TileEngine {
  readonly encoder: EncoderKind;
  private readonly cache: TileCache;
  private readonly limiter: RenderLimiter;
  private readonly inflight = new Map<string, Flight>();
  private readonly epochs = new Map<string, number>();
  private readonly versions = new Map<string, number>();
  private readonly extents = new Map<string, { version: number; box: Box }>();
  private readonly log: (message: string) => void;
  private readonly compressing = new WeakMap<TileResult, Partial<Record<TileCoding, Promise<void>>>>();
  /** Cached tiles waiting to be compressed again at the better level, oldest first. */
  private readonly refineQueue: { result: TileResult; coding: TileCoding; fast: Uint8Array }[] = [];
  private refining: Promise<void> | undefined;
  /** Changes applied, oldest first, numbered from 1 (seq) and stamped with this engine's clock. */
  private readonly feed: (ChangeNotice & { seq: number; at: number })[] = [];
  private seq = 0;
  /** From this moment (ms) every change is in the feed: the engine's start, or its last resync. */
  private feedFrom = Date.now();
  /** The same moment in the feed's numbering: a cursor before it was given before a resync. */
  private feedFromSeq = 0;
  /** Clock (ms) of the newest change pushed out of the feed by newer ones; -Infinity while none was. */
  private feedDropped = -Infinity;
  /** Tells this engine's cursors from another process's. */
  private readonly instance = randomBytes(6).toString('base64url');

  private constructor(
    private readonly db: TileDb,
    private readonly caps: TileCapabilities,
    readonly catalog: Catalog,
    options: TileEngineOptions,
    version: number,
  ) {
    this.encoder = options.encoder ?? (caps.mvt ? 'sql' : 'js');
    if (this.encoder === 'sql' && !caps.mvt) throw new Error('this database has no ST_AsMVT: use the js encoder');
    this.cache = new TileCache(options.cacheBytes);
    const concurrency = options.concurrency ?? Math.max(1, caps.maxConnections);
    this.limiter = new RenderLimiter({ concurrency, queueLimit: options.queueLimit ?? 20_000, maxWaitMs: options.maxWaitMs ?? 30_000 });
    this.log = options.log ?? (() => undefined);
    for (const id of catalog.sources.keys()) this.versions.set(id, version);
  }

  /** Builds the catalog and reads the current data version. */
  static async open(
    db: TileDb,
    caps: TileCapabilities,
    options: TileEngineOptions,
    catalog: Catalog = buildCatalog(caps),
  ): Promise<TileEngine> {
    const { rows } = await db.query<{ v: number }>(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS v FROM data_version_seq`);
    return new TileEngine(db, caps, catalog, options, Number(rows[0]?.v ?? 0));
  }

  /** Every source, in drawing order. */
  list(): SourceInfo[] {
    return [...this.catalog.sources.keys()].map((id) => this.info(id));
  }

  /** One source's facts; UNKNOWN_SOURCE when there is no such source. */
  info(id: string): SourceInfo {
    const s = this.source(id);
    const c = s.config;
    return {
      id,
      name: c.name,
      description: c.description,
      attribution: c.attribution,
      minzoom: c.minzoom,
      maxzoom: c.maxzoom,
      geometryType: c.geometryType,
      fields: s.fields(),
      version: this.versions.get(id) ?? 0,
    };
  }

  /** Splits "a,b" into known, distinct source ids; UNKNOWN_SOURCE otherwise. */
  resolve(spec: string): string[] {
    const ids = spec.split(',');
    if (ids.length > this.catalog.sources.size || new Set(ids).size !== ids.length) {
      throw new TileError('UNKNOWN_SOURCE', 'A composite tile names each source once.');
    }
    for (const id of ids) this.source(id);
    return ids;
  }

  /**
   * A tile of one source or the concatenation of several (each member cached on its own), with
   * `coding` among its encodings when one is asked for and the tile is not empty.
   */
  async tile(
    ids: readonly string[],
    coord: TileCoord,
    viewer: TileViewer,
    coding?: TileCoding,
    abandoned?: Abandoned,
  ): Promise<TileResult> {
    const result = await this.uncompressed(ids, coord, viewer, abandoned);
    if (coding && result.bytes.length && !result.encoded[coding]) await this.encode(result, coding);
    return result;
  }

  private uncompressed(ids: readonly string[], coord: TileCoord, viewer: TileViewer, abandoned?: Abandoned): Promise<TileResult> {
    // A composite spans its members' zooms; a member beyond its own maxzoom simply adds no layer.
    const max = Math.max(...ids.map((id) => this.source(id).config.maxzoom));
    if (coord.z > max) throw new TileError('TILE_OUT_OF_RANGE', `${ids.join(',')} has no zoom beyond ${max}.`);
    if (ids.length === 1) return this.single(ids[0]!, coord, viewer, abandoned);
    const scopes = ids.map((id) => this.source(id).scopeFor(viewer));
    const key = `${ids.join(',')}|${scopes.map((s) => s.key).join(',')}|${tileKey(coord)}`;
    return this.cached(
      key,
      ids,
      coord,
      async (gone) => {
        const live = ids.filter((id) => coord.z <= this.source(id).config.maxzoom);
        const members = await Promise.all(live.map((id) => this.single(id, coord, viewer, gone)));
        // An MVT tile is a sequence of layer messages: concatenating member tiles is a valid tile.
        return Buffer.concat(members.map((m) => m.bytes));
      },
      scopes.every((s) => s.key === 'public'),
      abandoned,
    );
  }

  /**
   * Renders one tile with no cache (tests, benchmark); goes through the limiter like any render.
   * One statement per tile: the statement timeout and JIT setting belong to the connections the
   * engine was given (see TileDb), not to a SET LOCAL round trip per tile.
   */
  async render(
    id: string,
    coord: TileCoord,
    scope: Scope,
    encoder: EncoderKind = this.encoder,
    abandoned?: Abandoned,
  ): Promise<Uint8Array> {
    const source = this.source(id);
    if (!source.band(coord.z)) return EMPTY_TILE;
    return this.limiter.run(async () => {
      await source.generalizedFor(coord.z)?.ensure(this.db, tileBounds4326(coord, BUFFER));
      try {
        return await source.render(this.db, coord, scope, encoder);
      } catch (error) {
        if ((error as { code?: string }).code === '57014')
          throw new TileError('OVERLOADED', 'Drawing this tile took too long; try again shortly.');
        throw error;
      }
    }, abandoned);
  }

  /**
   * Applies a change notification: bumps the data version of the sources built on the table,
   * drops their cached and in-flight tiles that meet the boxes (and composites containing them),
   * and marks generalized cells dirty so low zooms are rebuilt.
   */
  async applyChange(input: TileChange | string): Promise<void> {
    const change = typeof input === 'string' ? parseChange(input) : input;
    if (!change) {
      this.log(`ignored a malformed tile_changes payload: ${String(input).slice(0, 200)}`);
      return;
    }
    const affected = [...this.catalog.sources.values()].filter((s) => s.config.tables.includes(change.table)).map((s) => s.id);
    if (!affected.length) return;
    // Told to map clients: the change's boxes, and the generalized cells under them (below).
    const told = [...change.boxes];
    for (const id of affected) this.versions.set(id, Math.max(this.versions.get(id) ?? 0, change.version));
    this.drop(affected, change.boxes);
    for (const gen of this.catalog.generalized.values()) {
      if (gen.config.sourceTable !== change.table) continue;
      // The database marked the cells stale in the editing transaction; what is left is to drop the
      // low-zoom tiles drawn from them, including renders that read a cell before the edit.
      const cells = gen.cellBounds(change.boxes);
      const readers = [...this.catalog.sources.values()].filter((s) => s.config.bands.some((b) => b.generalized?.layer === gen.config.id));
      const maxZoom = Math.max(...readers.flatMap((s) => s.config.bands.filter((b) => b.generalized).map((b) => b.maxzoom)));
      this.drop(
        readers.map((s) => s.id),
        cells,
        maxZoom,
      );
      // A dissolved cell spans more than the edit: its low-zoom tiles around the edit change too.
      told.push(...cells);
    }
    this.tell(affected, told);
  }

  /**
   * After the change stream was broken (the database's notification connection was lost and
   * made again), changes may have gone by unheard: every cached and in-flight tile is dropped,
   * the generalized cells are checked again, and map clients are told to refresh everything.
   */
  async resync(): Promise<void> {
    this.feedFrom = Date.now();
    this.feedFromSeq = ++this.seq;
    this.feed.length = 0;
    const all = [...this.catalog.sources.keys()];
    // Dropped before anything is asked of the database: a resync it does not answer (it is often
    // down when the stream broke) must not leave the stale tiles cached.
    this.drop(all, [[-180, -90, 180, 90]]);
    const { rows } = await this.db.query<{ v: number }>(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS v FROM data_version_seq`);
    const version = Number(rows[0]?.v ?? 0);
    for (const id of all) this.versions.set(id, Math.max(this.versions.get(id) ?? 0, version));
    // Cells edited while unheard were marked dirty by the database itself; build them again now.
    await this.warmGeneralized();
  }

  /**
   * The changes a map client has not been told of yet, from the cursor of its last answer (none:
   * its first ask, answered from a few seconds ago). Cheap: it reads memory only.
   */
  changesSince(since: ChangeCursor | undefined, now = Date.now()): ChangeFeed {
    const cursor = { instance: this.instance, seq: this.seq, at: now };
    let from: number;
    let complete: boolean;
    if (since && since.instance === this.instance && since.seq <= this.seq) {
      // This engine's own cursor: exactly the changes applied after it.
      from = since.seq + 1;
      complete = since.seq >= this.feedFromSeq && from >= (this.feed[0]?.seq ?? from);
    } else {
      // Another process's cursor, or none (a first ask: what a client just loaded is as fresh as
      // its tiles, so nothing is missing for it): read by the clock, a little earlier.
      const after = since ? since.at - FEED_OVERLAP_MS : now - FEED_START_MS;
      from = this.feed.find((n) => n.at > after)?.seq ?? this.seq + 1;
      complete = !since || (after >= this.feedFrom && after >= this.feedDropped);
    }
    // Past a few hundred changes, refreshing every tile shown is cheaper for a client than sorting them.
    if (complete && this.seq - from + 1 > FEED_TOLD) complete = false;
    const changes = complete ? this.feed.filter((n) => n.seq >= from).map(({ sources, boxes }) => ({ sources, boxes })) : [];
    return { cursor, complete, changes };
  }

  /** Bounds of a source's data [w, s, e, n], recomputed only after its data version moves; the world when empty. */
  async bounds(id: string): Promise<Box> {
    const version = this.versions.get(id) ?? 0;
    const known = this.extents.get(id);
    if (known && known.version === version) return known.box;
    const { rows } = await this.db.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(this.source(id).extentSql);
    const r = rows[0];
    const box: Box = r && r.xmin !== null ? [r.xmin, r.ymin, r.xmax, r.ymax] : [-180, -85.0511, 180, 85.0511];
    this.extents.set(id, { version, box });
    return box;
  }

  /**
   * Opens the engine's connections before the first map view needs them, and readies each one by
   * drawing every source's tile at the centre of its data once (at its highest zoom up to 16; a
   * source drawn there from a generalized table is left out, as that table may not be built yet).
   * A new connection costs its first tiles the backend's start, its catalog caches, PROJ's set-up
   * for the first ST_Transform, and the statements' planning: a composite view's first tiles open a
   * pool's worth at once, and on the 100,000-parcel set the first view after a restart took 1.8 s
   * against 0.3 s for the next. Returns the connections readied (0 on the embedded database).
   */
  async warmConnections(): Promise<number> {
    const each = this.db.eachConnection;
    if (!each) return 0;
    const tiles: { source: TableSource; coord: TileCoord }[] = [];
    for (const source of this.catalog.sources.values()) {
      const z = Math.min(16, source.config.maxzoom);
      if (!source.band(z) || source.generalizedFor(z)) continue;
      const [w, s, e, n] = await this.bounds(source.id);
      const { minX, minY } = tileRange([(w + e) / 2, (s + n) / 2, (w + e) / 2, (s + n) / 2], z);
      tiles.push({ source, coord: { z, x: minX, y: minY } });
    }
    return each.call(this.db, this.caps.maxConnections, async (q) => {
      for (const { source, coord } of tiles) await source.render(q, coord, PUBLIC_SCOPE, this.encoder);
    });
  }

  /**
   * Builds every generalized cell that is missing, dirty or stale, so the first low-zoom tiles are
   * not slow (run in the background at start); returns the cells built, 0 when the data is unchanged.
   */
  async warmGeneralized(): Promise<number> {
    let built = 0;
    for (const gen of this.catalog.generalized.values()) built += await gen.ensure(this.db, [-180, -85.0511, 180, 85.0511]);
    return built;
  }

  /** The highest data version among the sources. */
  version(ids: readonly string[]): number {
    return Math.max(0, ...ids.map((id) => this.versions.get(id) ?? 0));
  }

  /** Cache counters and the render queue, for diagnostics and the benchmark. */
  stats(): CacheStats & { active: number; waiting: number; meanRenderMs: number } {
    return { ...this.cache.stats(), ...this.limiter.load() };
  }

  /** Empties the cache (benchmark cold runs). */
  clearCache(): void {
    this.cache.clear();
  }

  private source(id: string): TableSource {
    const s = this.catalog.sources.get(id);
    if (!s) throw new TileError('UNKNOWN_SOURCE', `No tile source named ${JSON.stringify(id.slice(0, 64))}.`);
    return s;
  }

  private single(id: string, coord: TileCoord, viewer: TileViewer, abandoned?: Abandoned): Promise<TileResult> {
    const source = this.source(id);
    const scope = source.scopeFor(viewer);
    return this.cached(
      `${id}|${scope.key}|${tileKey(coord)}`,
      [id],
      coord,
      (gone) => this.render(id, coord, scope, undefined, gone),
      scope.key === 'public',
      abandoned,
    );
  }

  /**
   * Cache lookup, then single-flight: concurrent misses for one key share one render, which is
   * skipped (ABORTED) only if every one of them let go of it before its turn.
   */
  private cached(
    key: string,
    sources: readonly string[],
    coord: TileCoord,
    make: (abandoned: Abandoned) => Promise<Uint8Array>,
    shared: boolean,
    abandoned?: Abandoned,
  ): Promise<TileResult> {
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const flying = this.inflight.get(key);
    if (flying) {
      flying.interest.push(abandoned);
      return flying.promise;
    }
    const interest = [abandoned];
    const before = sources.map((s) => this.epochs.get(s) ?? 0);
    const promise = (async () => {
      const bytes = await make(() => interest.every((gone) => gone?.() ?? false));
      const etag = `"${createHash('sha1').update(bytes).digest('base64url')}"`;
      const entry = { key, sources, z: coord.z, box: tileBounds4326(coord, BUFFER), bytes, encoded: {}, etag, shared };
      // A change arrived while this tile was drawn: serve it to whoever waited, but do not keep it.
      if (sources.every((s, i) => (this.epochs.get(s) ?? 0) === before[i])) this.cache.set(entry);
      return entry;
    })();
    const flight: Flight = { promise, sources, interest };
    this.inflight.set(key, flight);
    const done = () => {
      if (this.inflight.get(key) === flight) this.inflight.delete(key);
    };
    promise.then(done, done);
    return promise;
  }

  /** Compresses a tile in one coding once, however many requests ask at the same time, and keeps it with the tile. */
  private encode(result: TileResult, coding: TileCoding): Promise<void> {
    let pending = this.compressing.get(result);
    if (!pending) this.compressing.set(result, (pending = {}));
    return (pending[coding] ??= (async () => {
      const small = result.bytes.byteLength <= SYNC_COMPRESS_BYTES;
      const out =
        coding === 'br'
          ? small
            ? brotliCompressSync(result.bytes, FAST.br)
            : await brotli(result.bytes, FAST.br)
          : small
            ? gzipSync(result.bytes, FAST.gzip)
            : await gzip(result.bytes, FAST.gzip);
      const fast = asBytes(out);
      // The engine made every TileResult; only it adds codings, and the cache counts the new bytes.
      (result.encoded as Partial<Record<TileCoding, Uint8Array>>)[coding] = fast;
      this.cache.grow(result as CacheEntry, fast.byteLength);
      this.refineLater(result, coding, fast);
    })());
  }

  /** Queues a cached tile's coding for the better level (see FAST and BEST); a tile not kept is not worth it. */
  private refineLater(result: TileResult, coding: TileCoding, fast: Uint8Array): void {
    if (!this.cache.holds(result as CacheEntry) || this.refineQueue.length >= REFINE_QUEUE) return;
    this.refineQueue.push({ result, coding, fast });
    this.startRefining();
  }

  private startRefining(): void {
    if (this.refining) return;
    this.refining = (async () => {
      for (let job = this.refineQueue.shift(); job; job = this.refineQueue.shift()) {
        const { result, coding, fast } = job;
        if (!this.cache.holds(result as CacheEntry)) continue;
        try {
          const better = asBytes(await (coding === 'br' ? brotli(result.bytes, BEST.br) : gzip(result.bytes, BEST.gzip)));
          // Only a smaller copy replaces the first, and only while that tile and copy are the cached ones.
          if (better.byteLength >= fast.byteLength || result.encoded[coding] !== fast || !this.cache.holds(result as CacheEntry)) continue;
          (result.encoded as Partial<Record<TileCoding, Uint8Array>>)[coding] = better;
          this.cache.grow(result as CacheEntry, better.byteLength - fast.byteLength);
        } catch (error) {
          this.log(`recompressing a cached tile failed: ${(error as Error).message}`);
        }
      }
    })().finally(() => {
      this.refining = undefined;
      // A tile queued between the loop's last look and here would wait for the next one otherwise.
      if (this.refineQueue.length) this.startRefining();
    });
  }

  /** Resolves once the cached tiles waiting for their better compression have it (tests, benchmark). */
  async settled(): Promise<void> {
    while (this.refining) await this.refining;
  }

  /** Adds a change to the feed map clients read (changesSince). */
  private tell(sources: readonly string[], boxes: readonly Box[]): void {
    let kept = boxes.slice(0, FEED_BOXES);
    if (boxes.length > FEED_BOXES) {
      kept = [
        boxes.reduce<Box>(
          (all, b) => [Math.min(all[0], b[0]), Math.min(all[1], b[1]), Math.max(all[2], b[2]), Math.max(all[3], b[3])],
          [Infinity, Infinity, -Infinity, -Infinity],
        ),
      ];
    }
    this.feed.push({ seq: ++this.seq, at: Date.now(), sources: [...sources], boxes: kept });
    if (this.feed.length > FEED_LENGTH) this.feedDropped = this.feed.shift()!.at;
  }

  private drop(sources: readonly string[], boxes: readonly Box[], maxZoom = Infinity): void {
    const set = new Set(sources);
    for (const s of set) this.epochs.set(s, (this.epochs.get(s) ?? 0) + 1);
    for (const [key, flight] of this.inflight) if (flight.sources.some((s) => set.has(s))) this.inflight.delete(key);
    this.cache.invalidate(set, boxes, 0, maxZoom);
  }
}

/** Parses and checks a tile_changes payload; undefined when it is not one. */
export function parseChange(payload: string): TileChange | undefined {
  try {
    const v = JSON.parse(payload) as { table?: unknown; version?: unknown; boxes?: unknown };
    if (typeof v.table !== 'string' || typeof v.version !== 'number' || !Array.isArray(v.boxes)) return undefined;
    const boxes = v.boxes.filter(
      (b): b is Box => Array.isArray(b) && b.length === 4 && b.every((n) => typeof n === 'number' && Number.isFinite(n)),
    );
    return { table: v.table, version: v.version, boxes };
  } catch {
    return undefined;
  }
}
