import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

// Three projects: `unit` (pure modules beside their code), `embedded` (tests/: the integration and
// browser tests, on the embedded database) and, when TEST_DATABASE_URL names a real PostgreSQL +
// PostGIS (CI starts one with scripts/postgis-local.sh), `postgres`: the integration tests again on
// it, and the browser tests there instead of on the embedded database. The integration tests are what
// holds the two databases to one behaviour; the browser tests drive the client, whose server needs
// a database of the file's own: on the embedded one that is a new PGlite (~2.5 s of CPU to open, and
// tiles drawn by PostGIS compiled to WebAssembly), on PostgreSQL a CREATE DATABASE from a template.
// On the 2-core CI machine, where every CPU-second counts against the 30 minutes, that was the
// largest part of the browser tests' set-up. Without TEST_DATABASE_URL (a developer's `npm test`),
// they run on the embedded database as a user's `npm start` does.
//
// The files under tests/ each build their own database and app in beforeAll and close them in
// afterAll, and share no module state, so a worker runs one after another without a fresh module
// graph each time (isolate: false): importing the server's modules again for every file was about a
// quarter of the integration tests' time (24 files on both databases: 193 s isolated, 140 s not).
// Unit tests stay isolated: some stub browser globals (document, navigator) for their module.

// On CI a failed integration or browser test runs once more before it counts as failed. The 2-core
// CI machines are shared and noisy, and a browser test that waits on a real server, a real database
// and a software-rendered map can lose a race there that no user would see (a card redrawn between
// finding an element and scrolling to it). A test that fails twice fails the run; one that passed on
// its second try is still named at the end of .ci/run with its first error, to be mended.
// Unit tests and a developer's own runs never retry.
const CI_RETRY = process.env.CI ? 1 : 0;

// The browser tests drive Debian's Chromium (/usr/bin/chromium; never a downloaded browser). On a
// developer's machine without it, `npm test` runs everything else and says, once, what it left out
// and how to get it; on CI (.ci/run installs it) a missing browser fails the run instead of
// quietly running fewer tests.
const CHROMIUM = '/usr/bin/chromium';
const browserTests = Boolean(process.env.CI) || fs.existsSync(CHROMIUM);
if (!browserTests)
  console.warn(
    `\n[bando] ${CHROMIUM} not found: the browser tests (tests/e2e) are skipped. Install Debian's Chromium (apt-get install chromium) to run them.\n`,
  );
const e2e = browserTests ? ['tests/e2e/**/*.test.ts'] : [];

const shared = {
  // Opening a database copy and decoding tiles is slow on a 2-core machine; never a timed test.
  testTimeout: 120_000,
  hookTimeout: 300_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]] : ['default'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['server/**/*.test.ts', 'tiles/**/*.test.ts', 'data/**/*.test.ts', 'web/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          // Worker threads, not processes: each isolated file starts faster in a thread (~100 files:
          // 34 s against 26 s on the 2-core machine). Nothing here needs a process of its own.
          pool: 'threads' as const,
          env: { TEST_DATABASE_URL: '' },
        },
      },
      {
        test: {
          ...shared,
          name: 'embedded',
          retry: CI_RETRY,
          include: process.env.TEST_DATABASE_URL ? ['tests/integration/**/*.test.ts'] : ['tests/integration/**/*.test.ts', ...e2e],
          isolate: false,
          env: { TEST_DATABASE_URL: '' },
          globalSetup: ['tests/helpers/global-setup.ts'],
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                retry: CI_RETRY,
                include: ['tests/integration/**/*.test.ts', ...e2e],
                isolate: false,
                env: { TEST_DATABASE_URL: process.env.TEST_DATABASE_URL },
                globalSetup: ['tests/helpers/global-setup-postgres.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
