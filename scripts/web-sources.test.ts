import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sourcesDigest } from './web-sources.ts';

let root = '';
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bando-web-sources-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('the digest the web build is stamped with', () => {
  it('moves with a change under web/ or server/ (a shared rule the client imports), not with a file time or the build itself', () => {
    const dir = tree({ 'web/src/main.ts': 'a', 'server/domain/rule.ts': 'x', 'web/dist/index.html': 'built' });
    const first = sourcesDigest(dir);
    expect(sourcesDigest(dir)).toBe(first);
    // Touched, not changed: the same digest.
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, 'web/src/main.ts'), later, later);
    expect(sourcesDigest(dir)).toBe(first);
    // What the build writes is not a source.
    fs.writeFileSync(path.join(dir, 'web/dist/index.html'), 'built again');
    fs.writeFileSync(path.join(dir, 'web/dist/.sources-sha256'), first);
    expect(sourcesDigest(dir)).toBe(first);
    // A shared server module changed: another digest.
    fs.writeFileSync(path.join(dir, 'server/domain/rule.ts'), 'y');
    const second = sourcesDigest(dir);
    expect(second).not.toBe(first);
    // A file renamed with the same content: another digest too.
    fs.renameSync(path.join(dir, 'web/src/main.ts'), path.join(dir, 'web/src/app.ts'));
    expect(sourcesDigest(dir)).not.toBe(second);
  });
});
