// Builds the web client into web/dist when it is missing or was built from other sources, so that
// `npm install && npm start` serves the whole app with no separate build step.
//
// "Other sources" is decided by content (scripts/web-sources.ts), not by file times, which missed
// two cases: a shared module under server/ changed (the client imports its domain rules and
// contracts, and was not rebuilt), and a file saved while a build was running (the build, newer
// than the file, hid the change). The digest is taken before the build starts, so that second
// case builds again on the next start.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sourcesDigest } from './web-sources.ts';

const root = process.cwd();
const dist = path.join(root, 'web/dist');
const stamp = path.join(dist, '.sources-sha256');

if (!fs.existsSync(path.join(root, 'web/index.html'))) {
  console.log('[bando] No web client sources yet; serving the API only.');
} else {
  const sources = sourcesDigest(root);
  const built = fs.existsSync(path.join(dist, 'index.html')) && fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
  if (built !== sources) {
    console.log('[bando] Building the web client (first start or changed sources)…');
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', 'web', '--logLevel', 'warn'], {
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      console.error('[bando] The web client failed to build; see the errors above.');
      process.exit(1);
    }
    fs.writeFileSync(stamp, `${sources}\n`);
  }
}
