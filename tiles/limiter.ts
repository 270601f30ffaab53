// Bounded rendering: at most `concurrency` tiles query the database at once; the rest wait in a
// FIFO queue. Waiting is cheap, so the queue is long: one browser filling a phone screen with
// composite tiles on the single-connection embedded database queues hundreds of member renders
// and must see no holes. What is refused is waiting too long: a render whose expected wait (queue
// position × mean render time) exceeds the deadline is refused at once, and one that has waited
// past it is refused then, both as OVERLOADED with a Retry-After from the expected wait. The mean
// is trusted for that only once it has WARMUP renders behind it: a server's first renders are cold
// (each source's first statement is planned, its pages read from disk; on the embedded database
// ~1 s against ~0.1 s later), and judged by the first one alone, a single user's first view of
// composite tiles was refused (503) right after a start.
import { TileError } from './layer.ts';

/** How the limiter queues. */
export type LimiterOptions = {
  /** Renders running at once (the database connections tiles may hold). */
  concurrency: number;
  /** Renders allowed to wait; a hard cap on memory, far above ordinary use. */
  queueLimit: number;
  /** Longest a render may wait for a slot, ms; also the bound on its expected wait at admission. */
  maxWaitMs: number;
};

type Waiter = {
  start: () => void;
  fail: (error: TileError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
  abandoned: (() => boolean) | undefined;
};

// Weight of the newest render time in the running mean: recent enough to follow load, smooth
// enough that one slow tile does not refuse a queue.
const SMOOTHING = 0.1;
/** Renders averaged plainly before the running mean takes over, and before it may refuse at admission. */
const WARMUP = Math.round(1 / SMOOTHING);

/** A counting semaphore with a long FIFO queue and a wait deadline. */
export class RenderLimiter {
  private active = 0;
  private waiting = 0;
  private readonly queue: Waiter[] = [];
  private head = 0;
  private meanMs = 0;
  private samples = 0;

  constructor(readonly options: LimiterOptions) {}

  /**
   * Runs task when a slot is free; throws OVERLOADED when it would wait, or has waited, past the
   * deadline, and ABORTED instead of running it when `abandoned` says, as its turn comes, that nobody
   * waits for it any more (the browser let go of a tile while the map flew past it: a map's flight
   * asks for and drops dozens of tiles, whose renders would otherwise hold the queue for the next).
   */
  async run<T>(task: () => Promise<T>, abandoned?: () => boolean): Promise<T> {
    if (abandoned?.()) throw aborted();
    if (this.active < this.options.concurrency && this.waiting === 0) this.active++;
    else await this.enqueue(abandoned);
    const started = performance.now();
    try {
      return await task();
    } finally {
      const ms = performance.now() - started;
      this.samples++;
      this.meanMs += (this.samples <= WARMUP ? 1 / this.samples : SMOOTHING) * (ms - this.meanMs);
      this.release();
    }
  }

  /** Tiles rendering and waiting now, and the mean render time the deadline is judged by. */
  load(): { active: number; waiting: number; meanRenderMs: number } {
    return { active: this.active, waiting: this.waiting, meanRenderMs: this.meanMs };
  }

  /** Expected wait, ms, of a render joining the queue now. */
  expectedWaitMs(): number {
    return ((this.waiting + 1) / this.options.concurrency) * this.meanMs;
  }

  private enqueue(abandoned: (() => boolean) | undefined): Promise<void> {
    let expected = this.expectedWaitMs();
    const full = () => this.waiting >= this.options.queueLimit || (this.samples >= WARMUP && expected > this.options.maxWaitMs);
    // Before refusing, let go of the waiters nobody waits for (a flight's dropped tiles): they make the
    // queue look longer than the work it holds.
    if (full()) {
      this.dropAbandoned();
      expected = this.expectedWaitMs();
    }
    if (full()) return Promise.reject(this.overloaded(expected));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { start: resolve, fail: reject, timer: undefined, done: false, abandoned };
      waiter.timer = setTimeout(() => {
        // Left in the array and skipped when its turn comes: removing from the middle is O(n).
        waiter.done = true;
        this.waiting--;
        reject(this.overloaded(this.expectedWaitMs()));
      }, this.options.maxWaitMs);
      this.queue.push(waiter);
      this.waiting++;
    });
  }

  private dropAbandoned(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const w = this.queue[i]!;
      if (w.done || !w.abandoned?.()) continue;
      w.done = true;
      this.waiting--;
      clearTimeout(w.timer);
      w.fail(aborted());
    }
  }

  private release(): void {
    while (this.head < this.queue.length) {
      const next = this.queue[this.head++]!;
      if (next.done) continue;
      next.done = true;
      this.waiting--;
      clearTimeout(next.timer);
      // Nobody waits for this one any more: refused without a render, and the slot goes to the next.
      if (next.abandoned?.()) {
        next.fail(aborted());
        continue;
      }
      // Drop the consumed front now and then, so a long queue does not keep every waiter alive.
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      // The slot passes straight to the waiter (`active` does not change), after a turn of the event
      // loop: the embedded database answers without real I/O, so a queue of renders chained through
      // promise callbacks alone would hold off timers and every other request until it drained.
      setImmediate(next.start);
      return;
    }
    this.queue.length = 0;
    this.head = 0;
    this.active--;
  }

  private overloaded(expectedMs: number): TileError {
    const retryAfter = Math.min(60, Math.max(1, Math.ceil(expectedMs / 1000)));
    return new TileError('OVERLOADED', 'Too many tiles are being drawn; try again shortly.', retryAfter);
  }
}

const aborted = () => new TileError('ABORTED', 'Nobody waits for this tile any more.');
