// What the web bundle is built from, as one digest: scripts/ensure-web.ts rebuilds web/dist when
// the digest written beside the last build differs.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Folders the bundle is made from: the client, and server/ whose domain rules and contracts it imports. */
export const WEB_SOURCE_DIRS = ['web', 'server'] as const;

/**
 * SHA-256 over the relative paths and contents of the files under `dirs` (below `root`), in a
 * stable order, leaving out web/dist and node_modules. Contents, not file times: a file touched
 * without a change keeps the digest, and a change saved while a build ran is seen next time.
 */
export function sourcesDigest(root: string, dirs: readonly string[] = WEB_SOURCE_DIRS): string {
  const hash = createHash('sha256');
  const dist = path.join(root, 'web', 'dist');
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full !== dist && entry.name !== 'node_modules') walk(full);
      } else if (entry.isFile()) {
        hash.update(path.relative(root, full).split(path.sep).join('/')).update('\0').update(fs.readFileSync(full)).update('\0');
      }
    }
  };
  for (const dir of dirs) walk(path.join(root, dir));
  return hash.digest('hex');
}
