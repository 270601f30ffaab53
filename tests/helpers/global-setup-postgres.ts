import { buildWeb } from './build-web.ts';
import { buildTemplate } from './test-db.ts';

/** Vitest global setup of the postgres project: the web client and the seeded template database, once (built already when the embedded project ran first). */
export default async function setup(): Promise<void> {
  await Promise.all([buildWeb(), buildTemplate('postgres')]);
}
