import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Builds web/dist when missing or stale (as npm start does), so every test sees the client a user
 * gets. Called once per run by the global setups, beside the test templates' builds (it runs in a
 * process of its own); a lock folder keeps two runs started together from building into web/dist at
 * once (a lock left by a crashed run is taken over after 3 minutes).
 */
export async function buildWeb(): Promise<void> {
  const lock = path.join(ROOT, '.tmp', 'web-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) break;
      await sleep(500);
    }
  }
  try {
    const status = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/ensure-web.ts')], { cwd: ROOT, stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (status !== 0) throw new Error('building the web client failed');
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
