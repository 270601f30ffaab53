// `npm run bench`: every benchmark in turn (tiles, features, import, web first view). Each prints
// its figures as ratios against a baseline measured in the same run, because the machines are
// shared and noisy; absolute times are printed beside them for context only.
// Pass names to run some: `npm run bench -- tiles import`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const all = ['tiles', 'features', 'import', 'web'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const names = (wanted.length ? wanted : all).filter((name) => {
  if (pkg.scripts[`bench:${name}`]) return true;
  console.log(`[bench] no bench:${name} script; skipped`);
  return false;
});

let failed = 0;
for (const name of names) {
  console.log(`\n[bench] ===== bench:${name} =====`);
  const result = spawnSync('npm', ['run', '--silent', `bench:${name}`], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    failed++;
    console.log(`[bench] bench:${name} exited with ${result.status}`);
  }
}
process.exit(failed ? 1 : 0);
