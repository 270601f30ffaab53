import { buildWeb } from './build-web.ts';
import { buildTemplate } from './test-db.ts';

/**
 * Vitest global setup of the embedded project: the web client and the seeded template database,
 * once. When the postgres project runs too (TEST_DATABASE_URL), its template is built here as well,
 * beside the others: the web build is a process of its own, the embedded template this process's
 * CPU and the PostgreSQL one mostly the database server's (measured here: ~19 s and ~5 s from
 * scratch), and one after another they kept one core of two busy before any test ran. Its own global
 * setup then finds it built.
 */
export default async function setup(): Promise<void> {
  await Promise.all([buildWeb(), buildTemplate('embedded'), process.env.TEST_DATABASE_URL ? buildTemplate('postgres') : undefined]);
}
