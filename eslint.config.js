// One lint for the whole repo. The import-direction rule of STYLE.md lives here, not in memory:
// web → server/contracts, server/domain; scripts → server, tiles, data; server → tiles, data;
// tiles → nothing of ours; data → nothing of ours; nothing imports scripts/ or tests/.
import tseslint from 'typescript-eslint';

const never = (...folders) =>
  folders.map((f) => ({
    group: [`**/${f}/**`, `${f}/**`],
    message: `imports point downward only (STYLE.md): nothing here may import ${f}/`,
  }));

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', '.data/**', '.tmp/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['tiles/**/*.ts'],
    ignores: ['tiles/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'fastify', message: 'tiles/ is a library: no Fastify' }],
          patterns: never('server', 'data', 'scripts', 'tests', 'web'),
        },
      ],
    },
  },
  {
    files: ['data/**/*.ts'],
    ignores: ['data/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: never('server', 'tiles', 'scripts', 'tests', 'web') }] },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: never('scripts', 'tests', 'web') }] },
  },
  {
    files: ['server/domain/**/*.ts', 'server/contracts/**/*.ts'],
    ignores: ['server/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['pg', 'fastify', 'node:fs', 'node:path', '@electric-sql/pglite'].map((name) => ({
            name,
            message: 'server/domain and server/contracts are pure code shared with the browser',
          })),
          patterns: never('scripts', 'tests', 'web', 'tiles', 'data', 'db', 'routes', 'registry', 'io', 'plugins'),
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.ts'],
    ignores: ['web/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // gitignore semantics: a child of an excluded folder cannot be re-included, so the
              // rule excludes server/'s entries one level down and re-includes the two allowed ones.
              group: ['**/server/*', '!**/server/contracts', '!**/server/domain'],
              message: 'web/ may import only server/contracts and server/domain; the rest is over HTTP',
            },
            ...never('tiles', 'data', 'scripts', 'tests'),
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.ts'],
    ignores: ['scripts/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: never('tests', 'web') }] },
  },
);
