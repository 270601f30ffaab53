// Bounded rendering: at most `concurrency` tiles query the database at once and at most
// `queueLimit` wait; beyond that a request is refused at once (503 with Retry-After) rather than
// piling up until every client times out.
import { TileError } from './layer.ts';

/** A counting semaphore with a bounded FIFO queue. */
export class RenderLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
  ) {}

  /** Runs task when a slot is free; throws OVERLOADED when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) {
        throw new TileError('OVERLOADED', 'Too many tiles are being drawn; try again shortly.');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Tiles rendering and waiting now. */
  load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
