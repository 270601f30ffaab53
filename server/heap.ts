import v8 from 'node:v8';

/**
 * How much V8's old generation may grow, in percent of what a full collection left, before the next
 * full collection starts. V8 picks the factor itself (1.1–4) from how fast it collects; on the tile
 * server's small heap (35–50 MB live) it chose ~1.5, which leaves less room than the young
 * generation's size, so V8 began incremental marking again right after each full collection: in
 * the tile benchmark's process, 18–21 full collections per cold z16 run, each with marking steps
 * and a final pause of 4–50 ms on the thread that answers tiles (many of the slowest 5 % of cold
 * tiles waited on them). With 100 % (the heap doubles first) it takes 5–8, and the server's p95 at
 * z16 fell from 6.3–7.8 ms to 4.9–6.3 ms. The cost is memory: tens of MB more heap at most.
 */
export const HEAP_GROWING_PERCENT = 100;

/** Sets the heap growth for this process; the server's entry point and the tile benchmark call it first. */
export function tuneHeap(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
