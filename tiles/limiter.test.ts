import { describe, expect, it } from 'vitest';
import { TileError } from './layer.ts';
import { RenderLimiter } from './limiter.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RenderLimiter', () => {
  it('runs at most `concurrency` tasks at once and the rest in arrival order', async () => {
    const limiter = new RenderLimiter({ concurrency: 2, queueLimit: 100, maxWaitMs: 10_000 });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          order.push(i);
          await sleep(2);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(limiter.load()).toMatchObject({ active: 0, waiting: 0 });
  });

  it('a long queue of short renders is served, not refused', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 5_000, maxWaitMs: 5_000 });
    const results = await Promise.allSettled(Array.from({ length: 2_000 }, () => limiter.run(async () => 1)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('refuses a render that waited past the deadline, with a Retry-After, and recovers', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 100, maxWaitMs: 30 });
    const slow = limiter.run(() => sleep(80));
    const late = limiter.run(async () => 'never');
    await expect(late).rejects.toSatisfy((e: unknown) => e instanceof TileError && e.code === 'OVERLOADED' && (e.retryAfter ?? 0) >= 1);
    await slow;
    expect(limiter.load()).toMatchObject({ active: 0, waiting: 0 });
    await expect(limiter.run(async () => 'served')).resolves.toBe('served');
  });

  it('refuses at once when the expected wait exceeds the deadline', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 100, maxWaitMs: 100 });
    for (let i = 0; i < 10; i++) await limiter.run(() => sleep(60)); // teaches it that a render takes ~60 ms
    const first = limiter.run(() => sleep(60));
    const second = limiter.run(() => sleep(1)); // expected wait ~60 ms: queued
    const started = performance.now();
    const third = limiter.run(() => sleep(1)); // expected wait ~120 ms > 100: refused now
    await expect(third).rejects.toMatchObject({ code: 'OVERLOADED' });
    expect(performance.now() - started).toBeLessThan(30);
    await Promise.all([first, second]);
  });

  it('does not refuse at admission on the strength of its first, cold renders', async () => {
    // A server's first render is slow (planned, read from disk): judged by it alone, the queue of a
    // first view looked 120 ms long and was refused, when the renders behind it take 1 ms.
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 100, maxWaitMs: 100 });
    await limiter.run(() => sleep(60));
    const runs = [limiter.run(() => sleep(20)), ...Array.from({ length: 4 }, () => limiter.run(() => sleep(1)))];
    const settled = await Promise.allSettled(runs);
    expect(settled.map((s) => s.status)).toEqual(Array(5).fill('fulfilled'));
    // The mean is the plain average of those six renders, not the first one's ~60 ms.
    expect(limiter.load().meanRenderMs).toBeLessThan(30);
  });

  it('refuses beyond the queue limit', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 2, maxWaitMs: 10_000 });
    const runs = Array.from({ length: 5 }, () => limiter.run(() => sleep(5)));
    const settled = await Promise.allSettled(runs);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });

  it('skips a queued render nobody waits for any more, and the slot goes to the next', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 100, maxWaitMs: 10_000 });
    const ran: string[] = [];
    let release = () => {};
    const holding = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    let leftA = false;
    const a = limiter.run(
      async () => void ran.push('a'),
      () => leftA,
    );
    const b = limiter.run(
      async () => void ran.push('b'),
      () => false,
    );
    const c = limiter.run(async () => void ran.push('c'));
    leftA = true; // the browser let go of a while it waited
    release();
    await holding;
    await expect(a).rejects.toMatchObject({ code: 'ABORTED' });
    await Promise.all([b, c]);
    expect(ran).toEqual(['b', 'c']);
    expect(limiter.load()).toMatchObject({ active: 0, waiting: 0 });
    // Let go of before it even queues: refused at once, nothing run.
    await expect(
      limiter.run(
        async () => void ran.push('d'),
        () => true,
      ),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(ran).toEqual(['b', 'c']);
  });

  it('before refusing a full queue, drops the waiters nobody waits for, and takes the new one', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 3, maxWaitMs: 10_000 });
    let release = () => {};
    const holding = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    let left = false;
    const dropped = Array.from({ length: 3 }, () =>
      limiter
        .run(
          async () => 'drawn',
          () => left,
        )
        .catch((e: unknown) => e),
    );
    // Full while they are wanted.
    await expect(limiter.run(async () => 'late')).rejects.toMatchObject({ code: 'OVERLOADED' });
    left = true;
    const wanted = limiter.run(async () => 'wanted');
    expect(limiter.load().waiting).toBe(1);
    release();
    await holding;
    await expect(wanted).resolves.toBe('wanted');
    for (const d of dropped) expect(await d).toMatchObject({ code: 'ABORTED' });
  });
});
