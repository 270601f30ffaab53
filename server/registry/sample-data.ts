// The sample data as the app shows it: the generator in data/seed writes the rows (it may use none of
// the server's code), then the registry adds what only its rules decide: the farm diary's verdicts.
import { seed, seedIfEmpty, type SeedOptions } from '../../data/seed/index.ts';
import type { Db } from '../db/index.ts';
import { settleDiaryVerdicts } from './plots.service.ts';

/** Writes the sample data (see data/seed) and settles its diary entries by the registry's rules. */
export async function seedSample(db: Db, options: SeedOptions): Promise<void> {
  await seed(db, options);
  await settleDiaryVerdicts(db);
}

/** seedSample on a database without data; false (and nothing written) when it has some. */
export async function seedSampleIfEmpty(db: Db, options: SeedOptions): Promise<boolean> {
  if (!(await seedIfEmpty(db, options))) return false;
  await settleDiaryVerdicts(db);
  return true;
}
