import { buildWeb } from './build-web.ts';
import { buildTemplate } from './test-db.ts';

/** Vitest global setup of the embedded project: the web client and the seeded template database, once. */
export default async function setup(): Promise<void> {
  buildWeb();
  await buildTemplate('embedded');
}
