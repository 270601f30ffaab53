// `npm run create-admin -- --username admin [--display-name "Quản trị"] [--reset]`
// Creates the first administrator (or, with --reset, resets an existing account's password and
// makes it an active administrator) in the database the environment names. The password is read
// from standard input: typed twice without echo on a terminal, or the first line of a pipe
// (`printf '%s\n' "$PASSWORD" | npm run create-admin -- --username admin`), never from arguments
// where the shell history and the process list would keep it. The account is in the edit log as
// one the API makes (collection users, origin cli, never the password or its hash).
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import { MIN_PASSWORD_LENGTH } from '../server/auth/passwords.ts';
import { provisionAdministrator } from '../server/auth/accounts.service.ts';

const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    'display-name': { type: 'string', default: 'Quản trị viên' },
    reset: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`create-admin: ${message}`);
  process.exit(2);
}

const username = values.username?.trim().toLowerCase();
if (!username || !/^[a-z0-9._-]{3,64}$/.test(username)) fail('--username is required: 3–64 characters of a–z, 0–9, ".", "_" or "-".');

/** Reads one line from stdin; on a terminal the typed characters are not echoed. */
function readSecret(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const tty = process.stdin.isTTY;
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: tty });
    if (tty) {
      process.stderr.write(prompt);
      // Mute echo: readline writes each keystroke through _writeToOutput.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
    }
    rl.once('line', (line) => {
      resolve(line); // before close(), whose 'close' event would otherwise reject first
      rl.close();
      if (tty) process.stderr.write('\n');
    });
    rl.once('close', () => reject(new Error('no password on standard input')));
  });
}

const password = await readSecret('Mật khẩu / Password: ').catch(() => fail('type the password, or pipe it on standard input.'));
if (process.stdin.isTTY) {
  const again = await readSecret('Nhập lại / Again: ');
  if (again !== password) fail('the two passwords differ.');
}
if (password.length < MIN_PASSWORD_LENGTH) fail(`the password needs at least ${MIN_PASSWORD_LENGTH} characters.`);

const config = loadConfig();
const db = await openDb(config, (m) => console.error(m));
try {
  await migrate(db);
  const { rows } = await db.query<{ role: string }>('SELECT role FROM users WHERE username = $1', [username]);
  if (rows[0] && !values.reset)
    fail(`user ${username} exists (role ${rows[0].role}): add --reset to make it an administrator with this password.`);
  // Made, sessions ended (a reset's old sessions may be what was compromised) and logged in one transaction.
  const { id, created } = await provisionAdministrator(
    db,
    { username, password, displayName: values['display-name'] ?? 'Quản trị viên' },
    values.reset,
  );
  console.error(`create-admin: ${created ? 'created' : 'reset'} administrator ${username} (id ${id}).`);
} finally {
  await db.close();
}
