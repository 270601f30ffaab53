import { buildTemplate } from './test-db.ts';

/** Vitest global setup of the embedded project: build the seeded template database once. */
export default async function setup(): Promise<void> {
  await buildTemplate('embedded');
}
