// A test file's own world, opened in its beforeAll and closed in its afterAll. The files under tests/
// run one after another in one worker without a fresh module graph (vitest isolate: false), so
// whatever a file opens (database, app, folders) must be closed when it ends and never seen by the
// next file: the handle refuses every read before the file's set-up and after its end.
import { afterAll, beforeAll } from 'vitest';

/**
 * Opens `open()` in beforeAll and closes it in afterAll; returns a handle to read it in tests and
 * hooks. Call it at the top of the file, before the file's own hooks: its beforeAll runs before
 * theirs and its afterAll after theirs (vitest runs after-hooks in reverse). The handle has the
 * value's type, close() too, so it can go where the value goes; the file's afterAll closes it.
 */
export function openForFile<T extends object & { close(): Promise<void> }>(open: () => Promise<T>): T {
  let opened: T | undefined;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(async () => {
    const closing = opened;
    opened = undefined;
    await closing?.close();
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!opened) throw new Error(`${String(key)} was read outside this file's tests: it is opened in beforeAll and closed in afterAll`);
      return Reflect.get(opened, key, opened);
    },
  });
}
