import net from 'node:net';

/**
 * A TCP proxy to the test PostgreSQL. down() cuts every connection and refuses new ones until up();
 * silence() makes the connections open at that moment go quiet
 * both ways without closing (as a NAT that forgot them, or a server host gone), while new
 * connections pass.
 */
export async function silencingProxy(
  target: URL,
): Promise<{ url: string; silence: () => void; down: () => void; up: () => void; close: () => Promise<void> }> {
  const pairs: { client: net.Socket; upstream: net.Socket; silent: boolean }[] = [];
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream, silent: false };
    pairs.push(pair);
    client.on('data', (d) => void (pair.silent || upstream.write(d)));
    upstream.on('data', (d) => void (pair.silent || client.write(d)));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const via = new URL(target);
  via.hostname = '127.0.0.1';
  via.port = String((server.address() as net.AddressInfo).port);
  return {
    url: via.toString(),
    silence: () => pairs.forEach((p) => (p.silent = true)),
    // The database gone (restarting, its host down): every connection cut, new ones closed at once.
    down: () => {
      refusing = true;
      for (const p of pairs.splice(0)) p.upstream.destroy();
    },
    up: () => (refusing = false),
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
