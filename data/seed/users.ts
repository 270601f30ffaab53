// One user per role for trying the platform locally (documented in the README, never for
// production). Passwords are hashed with argon2id; the salt is derived from the seed so that the
// same seed gives the same rows (the passwords are published anyway).
import { createHash } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { SeedQueryable } from './sql.ts';

/** The sample accounts: username, password, role, display name. */
export const SAMPLE_USERS = [
  { username: 'admin', password: 'admin-bando-2026', role: 'admin', display: 'Quản trị hệ thống' },
  { username: 'planner', password: 'planner-bando-2026', role: 'planner', display: 'Cán bộ quy hoạch' },
  { username: 'officer', password: 'officer-bando-2026', role: 'officer', display: 'Cán bộ nông nghiệp Phường Cao Lãnh' },
  { username: 'farmer', password: 'farmer-bando-2026', role: 'farmer', display: '' },
] as const;

/** The officer's communes (today's codes): Phường Cao Lãnh. */
export const OFFICER_COMMUNES = ['29869'];

async function passwordHash(seed: number, username: string, password: string): Promise<string> {
  const salt = createHash('sha256').update(`bando-sample-user:${seed}:${username}`).digest().subarray(0, 16);
  return hash(password, { algorithm: 2, salt });
}

/** Writes admin, planner and officer (ids 1–3); the farmer comes later, once its farmer exists. */
export async function writeStaff(q: SeedQueryable, seed: number): Promise<{ adminId: number; officerId: number; officerName: string }> {
  for (const [i, u] of SAMPLE_USERS.slice(0, 3).entries()) {
    await q.query(
      `INSERT INTO users (id, username, password_hash, role, display_name, created_at) VALUES ($1, $2, $3, $4, $5, '2025-06-30T17:00:00Z')`,
      [i + 1, u.username, await passwordHash(seed, u.username, u.password), u.role, u.display],
    );
  }
  for (const code of OFFICER_COMMUNES) await q.query(`INSERT INTO user_communes (user_id, commune_code) VALUES (3, $1)`, [code]);
  return { adminId: 1, officerId: 3, officerName: SAMPLE_USERS[2].display };
}

/** Writes the farmer account (id 4) for a farmer who has plots. */
export async function writeFarmerUser(q: SeedQueryable, seed: number, farmerId: number, name: string): Promise<void> {
  const u = SAMPLE_USERS[3];
  await q.query(
    `INSERT INTO users (id, username, password_hash, role, display_name, farmer_id, created_at) VALUES (4, $1, $2, $3, $4, $5, '2025-06-30T17:00:00Z')`,
    [u.username, await passwordHash(seed, u.username, u.password), u.role, name, farmerId],
  );
}
