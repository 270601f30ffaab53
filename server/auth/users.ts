// Creating accounts (the create-admin CLI, tests, the sample data's users).

import type { Queryable } from '../db/index.ts';
import type { Role } from '../contracts/viewer.ts';
import { MIN_PASSWORD_LENGTH, hashPassword } from './passwords.ts';

/** What an account is made of. */
export type NewUser = {
  username: string;
  password: string;
  role: Exclude<Role, 'anonymous'>;
  displayName: string;
  farmerId?: number | null;
  communes?: readonly string[];
};

/** Creates a user, or resets password, role and communes of an existing one when replace is set. */
export async function upsertUser(db: Queryable, user: NewUser, options: { replace?: boolean } = {}): Promise<number> {
  if (!/^[a-z0-9._-]{3,64}$/.test(user.username)) throw new Error('A username is 3–64 characters of a–z, 0–9, ".", "_" or "-".');
  if (user.password.length < MIN_PASSWORD_LENGTH) throw new Error(`A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  const hash = await hashPassword(user.password);
  const conflict = options.replace
    ? 'ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, display_name = EXCLUDED.display_name, farmer_id = EXCLUDED.farmer_id, active = true'
    : '';
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (username, password_hash, role, display_name, farmer_id) VALUES ($1, $2, $3, $4, $5) ${conflict} RETURNING id`,
    [user.username, hash, user.role, user.displayName, user.farmerId ?? null],
  );
  const id = Number(rows[0]?.id);
  await db.query('DELETE FROM user_communes WHERE user_id = $1', [id]);
  if (user.communes?.length) {
    await db.query('INSERT INTO user_communes (user_id, commune_code) SELECT $1, unnest($2::text[])', [id, user.communes]);
  }
  return id;
}
