import { defineConfig } from 'vitest/config';

// Every test file runs on the embedded database; integration tests run again on a real
// PostgreSQL + PostGIS when TEST_DATABASE_URL names one (CI starts it with scripts/postgis-local.sh).
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
          name: 'embedded',
          include: [
            'server/**/*.test.ts',
            'tiles/**/*.test.ts',
            'data/**/*.test.ts',
            'web/src/**/*.test.ts',
            'scripts/**/*.test.ts',
            'tests/**/*.test.ts',
          ],
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
                include: ['tests/integration/**/*.test.ts'],
                env: { TEST_DATABASE_URL: process.env.TEST_DATABASE_URL },
                globalSetup: ['tests/helpers/global-setup-postgres.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
