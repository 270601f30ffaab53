// The one piece of HTTP/1.1 the benchmark's lean client needs: where a response ends.

/** A whole response at the start of buf: its status and length, or undefined while incomplete. */
export function parseResponse(buf: Buffer): { status: number; length: number; close: boolean } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buf.subarray(0, end).toString('latin1');
  const status = Number(head.slice(9, 12));
  const header = (name: string) => new RegExp(`\\r\\n${name}:[ \\t]*([^\\r]*)`, 'i').exec(head)?.[1];
  const close = /close/i.test(header('connection') ?? '');
  let at = end + 4;
  if (status === 204 || status === 304) return { status, length: at, close };
  if (/chunked/i.test(header('transfer-encoding') ?? '')) {
    for (;;) {
      const line = buf.indexOf('\r\n', at);
      if (line < 0) return undefined;
      const size = parseInt(buf.subarray(at, line).toString('latin1'), 16);
      at = line + 2 + size + 2;
      if (at > buf.length) return undefined;
      if (size === 0) return { status, length: at, close };
    }
  }
  at += Number(header('content-length') ?? 0);
  return at <= buf.length ? { status, length: at, close } : undefined;
}
