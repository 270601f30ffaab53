// `npm test`'s checks before the tests: formatting (prettier), lint (eslint) and types (tsc), side by
// side rather than one after another. Each is one process that keeps one core busy for 15–40 s, and
// the CI machine has two. Each check's output is printed whole when it ends, under its name; the exit
// code is non-zero when any check failed. `npm run lint` (prettier eslint) and `npm run typecheck`
// (tsc) name the ones they want, so each command is written here only.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);

type Check = { id: string; name: string; command: string; args: string[] };

const checks: Check[] = [
  { id: 'prettier', name: 'prettier --check .', command: bin('prettier'), args: ['--check', '.', '--log-level', 'warn'] },
  { id: 'eslint', name: 'eslint --max-warnings 0 .', command: bin('eslint'), args: ['--max-warnings', '0', '.'] },
  { id: 'tsc', name: 'tsc -p tsconfig.json', command: bin('tsc'), args: ['-p', 'tsconfig.json'] },
];

// The checks named on the command line, or all of them.
const asked = process.argv.slice(2);
const unknown = asked.filter((id) => !checks.some((c) => c.id === id));
if (unknown.length) {
  process.stderr.write(`Unknown check ${unknown.join(', ')}: the checks are ${checks.map((c) => c.id).join(', ')}.\n`);
  process.exit(2);
}
const chosen = asked.length ? checks.filter((c) => asked.includes(c.id)) : checks;

function run({ name, command, args }: Check): Promise<boolean> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    const done = (code: number, error?: Error) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const text = Buffer.concat(output).toString('utf8').trimEnd();
      const ok = code === 0;
      process.stdout.write(`${ok ? '✓' : '✗'} ${name} (${seconds} s)${ok ? '' : error ? `: ${error.message}` : `: exit ${code}`}\n`);
      if (text) process.stdout.write(`${text}\n`);
      resolve(ok);
    };
    child.on('error', (error) => done(1, error));
    child.on('close', (code) => done(code ?? 1));
  });
}

const results = await Promise.all(chosen.map(run));
if (results.includes(false)) {
  process.stdout.write('Static checks failed: fix the above (npx prettier --write . formats the files).\n');
  process.exit(1);
}
