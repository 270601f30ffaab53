import { TileEngine } from '../tiles/index.ts';
import type { Config } from './config.ts';
import type { Db } from './db/index.ts';

/** The tile engine of a server process, subscribed to the database's change notifications. */
export type TileService = {
  engine: TileEngine;
  /** Unsubscribes from tile_changes; the database stays open. */
  close(): Promise<void>;
  /**
   * Opens and readies the tile connections, then builds the generalized low-zoom tables, in the
   * background (main calls it once the data is in place).
   */
  warm(): void;
};

/**
 * Every tile is one statement on connections that start with these settings. A tile that takes
 * longer than the timeout is refused as overloaded (503) rather than holding a connection; JIT is
 * off because the sliver filter's subplan inflates the cost estimate past jit_above_cost, and
 * compiling took 1.3 s on a z14 parcels tile that runs in 0.15 s without.
 */
export const TILE_SESSION = { statement_timeout: '10000', jit: 'off' } as const;

/**
 * Opens the engine on the app's database and subscribes it to `tile_changes`: every committed
 * change, through the API or by direct SQL, reaches every server process (LISTEN/NOTIFY) and drops
 * the cached tiles it touched.
 */
export async function openTileService(
  config: Pick<Config, 'tileCacheBytes'>,
  db: Db,
  log: (message: string) => void = () => undefined,
): Promise<TileService> {
  const engine = await TileEngine.open(db.withSession(TILE_SESSION), db.capabilities, { cacheBytes: config.tileCacheBytes, log });
  const unlisten = await db.listen(
    'tile_changes',
    (payload) => {
      engine.applyChange(payload).catch((error: unknown) => log(`tile invalidation failed: ${(error as Error).message}`));
    },
    // Changes made while the notification connection was down went unheard: start afresh.
    () => {
      log('the tile change notifications were interrupted: every cached tile is dropped');
      engine.resync().catch((error: unknown) => log(`tile resync failed: ${(error as Error).message}`));
    },
  );
  let closed = false;
  return {
    engine,
    close: async () => {
      closed = true;
      await unlisten();
    },
    warm: () => {
      const started = performance.now();
      // The connections first (a second or two), then the generalized tables (minutes on a large set).
      const connections = engine.warmConnections().then(
        (count) => count && log(`Tile connections ready: ${count} in ${((performance.now() - started) / 1000).toFixed(1)} s`),
        (error: unknown) => !closed && log(`readying the tile connections failed: ${(error as Error).message}`),
      );
      void connections.then(() => !closed && warmGeneralized());
    },
  };

  function warmGeneralized(): void {
    const started = performance.now();
    engine.warmGeneralized().then(
      (cells) =>
        log(
          `Generalized low-zoom tiles ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${cells ? `${cells} cell${cells === 1 ? '' : 's'} rebuilt` : 'unchanged'})`,
        ),
      (error: unknown) => !closed && log(`building generalized tiles failed: ${(error as Error).message}`),
    );
  }
}
