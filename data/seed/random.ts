// Keyed pseudo-random numbers: every structural thing (a grid line, a block, a farmer) draws from
// its own stream named by a key, so adding province-scale frames around the city never changes
// a single parcel of the city itself, and the same seed always gives the same rows.

/** FNV-1a over the key's characters, mixed with the seed: a 32-bit stream id. */
function hashKey(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A small deterministic generator (mulberry32) with the helpers the generator needs. */
export class Rng {
  private state: number;

  constructor(seed: number, key: string) {
    this.state = hashKey(seed >>> 0, key) || 1;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One element with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** Roughly normal (sum of three uniforms), mean 0, standard deviation about sd. */
  normal(sd: number): number {
    return (this.next() + this.next() + this.next() - 1.5) * 2 * sd;
  }
}

/** A stream for a structural key; the same (seed, key) always yields the same numbers. */
export function rng(seed: number, ...key: (string | number)[]): Rng {
  return new Rng(seed, key.join('/'));
}
