// The HTTP side of the tile benchmark, in its own process (forked by bench-tiles.ts): a client in
// the server's process would spend the server's event loop on parsing its own responses, and that
// time would be counted as the server's. Answers each job message with per-request latencies.
//
// A lean HTTP/1.1 client over keep-alive sockets, as load tools such as autocannon use: it writes
// one request line and reads the status, headers and body (Content-Length or chunked) without
// building Node's request and response objects, whose cost (~0.1 ms a request on a 2-core VM)
// would otherwise be counted as the server's.
import net from 'node:net';
import { parseResponse } from './http-response.ts';

/** A batch of GETs: every URL once, `clients` at a time over keep-alive connections, asking for `coding`. */
export type ClientJob = { id: number; urls: string[]; clients: number; coding: string };
/** What came back: latency per request (ms), bytes on the wire, 5xx count, wall time (ms). */
export type ClientResult = { id: number; latencies: number[]; bytes: number; errors: number; wallMs: number };

type Response = { status: number; bytes: number };

/** One keep-alive connection that runs one request at a time. */
class Connection {
  private socket: net.Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Response) => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Connects if not connected, so the connection set-up is not timed as a request. */
  async ready(): Promise<void> {
    if (!this.socket) await this.open();
  }

  async get(pathAndQuery: string, coding: string): Promise<Response> {
    const socket = this.socket ?? (await this.open());
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`GET ${pathAndQuery} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nAccept-Encoding: ${coding}\r\n\r\n`);
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  private open(): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(this.port, this.host, () => resolve(socket));
      socket.setNoDelay(true);
      socket.on('data', (d: Buffer) => this.onData(d));
      const fail = (e: Error) => {
        this.socket = undefined;
        this.buffer = Buffer.alloc(0);
        const w = this.waiting;
        this.waiting = undefined;
        w?.reject(e);
        reject(e);
      };
      socket.on('error', fail);
      socket.on('close', () => fail(new Error('connection closed')));
      this.socket = socket;
    });
  }

  private onData(d: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    const r = parseResponse(this.buffer);
    if (!r) return;
    this.buffer = this.buffer.subarray(r.length);
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve({ status: r.status, bytes: r.length });
    if (r.close) this.socket?.destroy();
  }
}

/** Idle keep-alive connections per host:port, reused from job to job as a browser reuses its own. */
const idle = new Map<string, Connection[]>();

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
        if (i >= job.urls.length) break;
        const url = new URL(job.urls[i]!);
        const pool = idle.get(url.host) ?? [];
        idle.set(url.host, pool);
        const conn = pool.pop() ?? new Connection(url.hostname, Number(url.port));
        const ok = await conn.ready().then(
          () => true,
          () => false,
        );
        const t0 = performance.now();
        const res = ok
          ? await conn.get(url.pathname + url.search, job.coding).catch(() => ({ status: 599, bytes: 0 }))
          : { status: 599, bytes: 0 };
        latencies.push(performance.now() - t0);
        bytes += res.bytes;
        if (res.status >= 500) errors++;
        pool.push(conn);
      }
    }),
  );
  return { id: job.id, latencies, bytes, errors, wallMs: performance.now() - start };
}

process.on('message', (job: ClientJob) => {
  void run(job).then((result) => process.send?.(result));
});
process.on('disconnect', () => {
  for (const pool of idle.values()) for (const conn of pool) conn.close();
  process.exit(0);
});
