// The HTTP side of the tile benchmark, in its own process (forked by bench-tiles.ts): a client in
// the server's process would spend the server's event loop on parsing its own responses, and that
// time would be counted as the server's. Answers each job message with per-request latencies.
import http from 'node:http';

/** A batch of GETs: every URL once, `clients` at a time over keep-alive connections. */
export type ClientJob = { id: number; urls: string[]; clients: number };
/** What came back: latency per request (ms), bytes on the wire, 5xx count, wall time (ms). */
export type ClientResult = { id: number; latencies: number[]; bytes: number; errors: number; wallMs: number };

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function get(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function run(job: ClientJob): Promise<ClientResult> {
  let next = 0;
  let bytes = 0;
  let errors = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= job.urls.length) return;
        const t0 = performance.now();
        const res = await get(job.urls[i]!).catch(() => ({ status: 599, bytes: 0 }));
        latencies.push(performance.now() - t0);
        bytes += res.bytes;
        if (res.status >= 500) errors++;
      }
    }),
  );
  return { id: job.id, latencies, bytes, errors, wallMs: performance.now() - start };
}

process.on('message', (job: ClientJob) => {
  void run(job).then((result) => process.send?.(result));
});
process.on('disconnect', () => {
  agent.destroy();
  process.exit(0);
});
