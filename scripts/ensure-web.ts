// Builds the web client into web/dist when it is missing or older than its sources, so that
// `npm install && npm start` serves the whole app with no separate build step.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const dist = path.join(root, 'web/dist/index.html');

function newest(dir: string): number {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  newest(path.join(root, 'web/src')),
  newest(path.join(root, 'web/public')),
  fs.existsSync(path.join(root, 'web/index.html')) ? fs.statSync(path.join(root, 'web/index.html')).mtimeMs : 0,
);
const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;

if (!fs.existsSync(path.join(root, 'web/index.html'))) {
  console.log('[bando] No web client sources yet; serving the API only.');
} else if (built < sources) {
  console.log('[bando] Building the web client (first start or changed sources)…');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', 'web', '--logLevel', 'warn'], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('[bando] The web client failed to build; see the errors above.');
    process.exit(1);
  }
}
