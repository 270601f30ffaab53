// `npm run seed -- [--parcels 50000] [--seed 42] [--reset]`
// Writes the sample data set into the database the environment names (DATABASE_URL, or the
// embedded one under DATA_DIR), in one transaction, with a progress line on stderr.
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import { DEFAULT_SEED } from '../data/seed/index.ts';
import { seedSample } from '../server/registry/sample-data.ts';

const { values } = parseArgs({
  options: {
    parcels: { type: 'string', default: '50000' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    reset: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`seed: ${message}`);
  process.exit(2);
}

const parcels = Number(values.parcels);
const seedValue = Number(values.seed);
if (!Number.isInteger(parcels) || parcels < 1 || parcels > 5_000_000) fail('--parcels must be an integer from 1 to 5,000,000');
if (!Number.isInteger(seedValue) || seedValue < 0 || seedValue > 2 ** 32 - 1) fail('--seed must be an integer from 0 to 4294967295');

const config = loadConfig();
const db = await openDb(config, (m) => console.error(m));
try {
  await migrate(db);
  const { rows } = await db.query<{ used: boolean }>('SELECT EXISTS (SELECT 1 FROM parcels) OR EXISTS (SELECT 1 FROM admin_units) AS used');
  if (rows[0]?.used && !values.reset) fail('the database already holds data: add --reset to replace every data table');
  const started = Date.now();
  const tty = process.stderr.isTTY;
  let last = 0;
  await seedSample(db, {
    parcels,
    seed: seedValue,
    reset: values.reset,
    log: (m) => console.error(m),
    progress: (written, total) => {
      const now = Date.now();
      if (now - last < 200 && written < total) return;
      last = now;
      const pct = Math.floor((100 * written) / Math.max(1, total));
      const line = `parcels ${written.toLocaleString('en')}/${total.toLocaleString('en')} (${pct}%) · ${Math.round(written / Math.max(0.001, (now - started) / 1000)).toLocaleString('en')}/s`;
      if (tty) process.stderr.write(`\r${line.padEnd(70)}${written >= total ? '\n' : ''}`);
      else if (written >= total || pct % 10 === 0) process.stderr.write(`${line}\n`);
    },
  });
} finally {
  await db.close();
}
