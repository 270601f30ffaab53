// The set-up of the integration files that drive the registry through its HTTP API, written once: a
// test database of the file's own (a copy of the seeded template), the registry fixture's rows in it,
// the app on it with an upload folder of its own, and the fixture's users signed in through the real
// login. The file's afterAll closes the app and the database and removes the folder.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../server/db/index.ts';
import { loadRegistryFixture, registryTestApp, signInAll, type Fixture } from '../fixtures/registry.ts';
import { openForFile } from './for-file.ts';
import { openTestDb } from './test-db.ts';

export type RegistryApp = {
  db: Db;
  app: FastifyInstance;
  /** The fixture's ids: users, farmers, parcels, plots. */
  fx: Fixture;
  /** Bearer headers of a signed-in fixture user, by id (fx.users.officer, …). */
  as(userId: number): Record<string, string>;
  /** The app's UPLOAD_DIR, a new empty folder. */
  uploadDir: string;
};

export type RegistryAppOptions = {
  /**
   * false: the seeded database alone, with no fixture rows and nobody signed in (reading fx or as
   * throws), for tests whose counts or searches the fixture's rows would change. Default true.
   */
  fixture?: boolean;
};

/**
 * The file's registry app, opened in beforeAll and closed in afterAll (see openForFile): call it at
 * the top of the file and read its fields inside tests and hooks.
 */
export function useRegistryApp(options: RegistryAppOptions = {}): RegistryApp {
  return openForFile(() => openRegistryApp(options));
}

async function openRegistryApp({ fixture = true }: RegistryAppOptions): Promise<RegistryApp & { close(): Promise<void> }> {
  const db = await openTestDb();
  let uploadDir: string | undefined;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await db.close();
    if (uploadDir) await fs.rm(uploadDir, { recursive: true, force: true });
  };
  try {
    const fx = fixture ? await loadRegistryFixture(db) : undefined;
    uploadDir = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-app-'));
    app = await registryTestApp(db, uploadDir);
    const as = fx ? await signInAll(app, fx) : undefined;
    const without = (what: string) => new Error(`${what}: this file opened the registry app with { fixture: false }`);
    return {
      db,
      app,
      uploadDir,
      close,
      get fx() {
        if (!fx) throw without('no fixture rows');
        return fx;
      },
      as(userId) {
        if (!as) throw without('nobody is signed in');
        return as(userId);
      },
    };
  } catch (error) {
    // Half opened (a fixture insert or a sign-in failed): close what is open before the error goes up.
    await close().catch(() => undefined);
    throw error;
  }
}
