import type { LonLat } from './snap.ts';

/** One GPS reading. */
export type Fix = { lon: number; lat: number; accuracy: number; time: number };

/** What the walk shows the person walking. */
export type WalkState = {
  status: 'idle' | 'walking' | 'paused';
  last: Fix | undefined;
  points: LonLat[];
  /** Readings gathered for the corner being recorded (0 when not averaging). */
  averaging: number;
  /** True while the last reading is worse than the accuracy gate. */
  tooInaccurate: boolean;
  /**
   * The browser's last refusal (GeolocationPositionError.code: 1 permission denied, 2 no position,
   * 3 timed out), until the next reading; a denial also pauses the walk.
   */
  error?: number;
};

export type WalkOptions = {
  /** Readings worse than this (metres, 68 % radius) are ignored: a corner is never placed from them. */
  maxAccuracyM: number;
  /** Good readings averaged into one corner. */
  samples: number;
  /** Longest wait for those readings before the corner is placed from what arrived (ms). */
  sampleTimeoutMs: number;
  /** In automatic mode, a corner each time the walker is this far (metres) from the last one. */
  autoSpacingM: number | undefined;
};

/** Averages readings weighted by 1/accuracy², so one good fix outweighs several poor ones. */
export function averageFixes(fixes: readonly Fix[]): Fix | undefined {
  if (fixes.length === 0) return undefined;
  let wSum = 0;
  let lon = 0;
  let lat = 0;
  for (const f of fixes) {
    const w = 1 / Math.max(0.5, f.accuracy) ** 2;
    wSum += w;
    lon += f.lon * w;
    lat += f.lat * w;
  }
  // The mean of n independent readings is about √n more precise than a typical one.
  const accuracy = 1 / Math.sqrt(wSum);
  return { lon: lon / wSum, lat: lat / wSum, accuracy, time: fixes[fixes.length - 1]!.time };
}

/** Ground distance in metres between two lon/lat positions (equirectangular; exact enough for metres). */
export function distanceM(a: LonLat, b: LonLat): number {
  const k = Math.PI / 180;
  const x = (b[0] - a[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k);
  const y = (b[1] - a[1]) * k;
  return Math.hypot(x, y) * 6371008.8;
}

type WakeLockSentinelLike = { release(): Promise<void> };

/**
 * Walk-the-boundary: watches the phone's position, gates readings by accuracy, averages several
 * readings per corner, keeps the screen awake while walking, and can be paused and resumed
 * (a gate, a ditch) without losing the corners already recorded.
 */
export class GpsWalk {
  private watchId: number | undefined;
  private wakeLock: WakeLockSentinelLike | undefined;
  private pending: { fixes: Fix[]; resolve: (p: LonLat | undefined) => void; timer: ReturnType<typeof setTimeout> } | undefined;
  readonly state: WalkState = { status: 'idle', last: undefined, points: [], averaging: 0, tooInaccurate: false };

  constructor(
    private readonly options: WalkOptions,
    private readonly onUpdate: (state: WalkState) => void,
    private readonly geolocation: Geolocation | undefined = typeof navigator !== 'undefined' ? navigator.geolocation : undefined,
  ) {}

  get available(): boolean {
    return this.geolocation !== undefined;
  }

  start(): void {
    if (!this.geolocation || this.state.status === 'walking') return;
    this.state.status = 'walking';
    // A new try (after a denial, the walker allowed it and pressed again): the old refusal is not its answer.
    this.state.error = undefined;
    this.watchId = this.geolocation.watchPosition(
      (p) => this.reading({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy, time: p.timestamp }),
      (error) => this.failed(error.code),
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 },
    );
    void this.keepAwake();
    // The browser drops the lock whenever the page is hidden; take it again when the walker comes back.
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    this.onUpdate(this.state);
  }

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible' && this.state.status === 'walking') void this.keepAwake();
  };

  pause(): void {
    if (this.state.status !== 'walking') return;
    this.stopWatching();
    this.state.status = 'paused';
    this.onUpdate(this.state);
  }

  resume(): void {
    if (this.state.status !== 'paused') return;
    this.state.status = 'idle';
    this.start();
  }

  /** Records a corner from the next `samples` good readings (or those that arrived before the timeout). */
  recordCorner(): Promise<LonLat | undefined> {
    if (this.state.status !== 'walking') return Promise.resolve(undefined);
    if (this.pending) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.completeCorner(), this.options.sampleTimeoutMs);
      this.pending = { fixes: [], resolve, timer };
      this.state.averaging = 0;
      this.onUpdate(this.state);
    });
  }

  /** Drops the last corner (a wrong tap). */
  undoCorner(): void {
    this.state.points.pop();
    this.onUpdate(this.state);
  }

  /** Ends the walk and answers the corners recorded. */
  finish(): LonLat[] {
    this.stopWatching();
    if (this.pending) this.completeCorner();
    this.state.status = 'idle';
    this.onUpdate(this.state);
    return [...this.state.points];
  }

  /** The browser refused a reading (the geolocation error callback; tests call it directly). */
  failed(code: number): void {
    this.state.error = code;
    // Permission denied does not end by waiting: the walker must allow it and press again.
    if (code === 1 && this.state.status === 'walking') {
      this.stopWatching();
      this.state.status = 'paused';
    }
    this.onUpdate(this.state);
  }

  /** Feeds one reading (the geolocation callback; tests call it directly). */
  reading(fix: Fix): void {
    this.state.error = undefined;
    this.state.last = fix;
    this.state.tooInaccurate = fix.accuracy > this.options.maxAccuracyM;
    if (!this.state.tooInaccurate) {
      if (this.pending) {
        this.pending.fixes.push(fix);
        this.state.averaging = this.pending.fixes.length;
        if (this.pending.fixes.length >= this.options.samples) this.completeCorner();
      } else if (this.options.autoSpacingM !== undefined) {
        const lastCorner = this.state.points[this.state.points.length - 1];
        if (!lastCorner || distanceM(lastCorner, [fix.lon, fix.lat]) >= this.options.autoSpacingM)
          this.state.points.push([fix.lon, fix.lat]);
      }
    }
    this.onUpdate(this.state);
  }

  private completeCorner(): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    this.state.averaging = 0;
    const mean = averageFixes(pending.fixes);
    const corner: LonLat | undefined = mean ? [mean.lon, mean.lat] : undefined;
    if (corner) this.state.points.push(corner);
    pending.resolve(corner);
    this.onUpdate(this.state);
  }

  private stopWatching(): void {
    if (this.watchId !== undefined) this.geolocation?.clearWatch(this.watchId);
    this.watchId = undefined;
    void this.wakeLock?.release().catch(() => undefined);
    this.wakeLock = undefined;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
  }

  private async keepAwake(): Promise<void> {
    const nav =
      typeof navigator !== 'undefined'
        ? (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } })
        : undefined;
    try {
      this.wakeLock = await nav?.wakeLock?.request('screen');
    } catch {
      // Refused (battery saver, no user gesture): the walk goes on, the screen may dim.
    }
  }
}
