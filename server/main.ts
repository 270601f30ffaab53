import { ConfigError, exposureNote, loadConfig, redactUrl } from './config.ts';
import { buildApp } from './app.ts';
import { openTileService } from './tile-service.ts';
import { DatabaseSetupError, openDb } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { seedSampleIfEmpty } from './registry/sample-data.ts';
import { tuneHeap } from './heap.ts';

/** Starts the server: config → database → migrations → sample data → listen. Any setup problem is one line and exit 1. */
async function main(): Promise<void> {
  tuneHeap();
  const config = loadConfig();
  const log = (message: string) => console.log(`[bando] ${message}`);
  log(config.databaseUrl ? `Database: PostgreSQL at ${redactUrl(config.databaseUrl)}` : `Database: embedded PGlite in ${config.dataDir}`);
  const db = await openDb(config, log);
  const applied = await migrate(db);
  if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
  if (config.seedOnEmpty) {
    const seeded = await seedSampleIfEmpty(db, { parcels: config.seedParcels, log });
    if (!seeded) log('Sample data already present; not seeding.');
  }
  const ready = { value: true };
  const tiles = await openTileService(config, db, log);
  const app = await buildApp({ config, db, ready, tiles });
  const shutdown = async (signal: string) => {
    log(`${signal}: closing`);
    // Closing waits for the requests and statements in flight; one waiting on a database gone silent
    // may never finish (the app's pool has no client-side give-up: see pg.adapter.ts), and the
    // process must still end: a supervisor waits for it before starting the next.
    setTimeout(() => {
      log(`still closing after ${config.shutdownTimeoutS} s (a request or the database did not finish): exiting anyway`);
      process.exit(1);
    }, config.shutdownTimeoutS * 1000).unref();
    await app.close().catch(() => undefined);
    await tiles.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  log(`Ready: http://localhost:${config.port}/`);
  log(exposureNote(config.host, config.seedOnEmpty));
  // After listening, so /readyz and the first map views are not held behind it.
  tiles.warm();
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseSetupError) {
    console.error(`[bando] ${error.message}`);
  } else {
    console.error('[bando] Failed to start:', error);
  }
  process.exit(1);
});
