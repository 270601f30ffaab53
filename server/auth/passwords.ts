import { hash, verify, type Options } from '@node-rs/argon2';

// Argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane): ~30 ms a hash on one core, which a login
// rate limit makes affordable and a stolen hash table makes slow to crack. The enum is a const enum
// in the typings, unusable under isolatedModules, hence the literal 2 (= Argon2id).
const ARGON2ID: Options = { algorithm: 2 as Options['algorithm'], memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Shortest password accepted for a new account (the rule lives with the other account rules). */
export { MIN_PASSWORD_LENGTH } from '../domain/account-rules.ts';

/** Hashes a password as an argon2id PHC string. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

// Verified when the user does not exist, so that a wrong username costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Checks a password against a stored hash (or against a dummy when there is no user); never throws. */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  dummyHash ??= hashPassword('not-a-real-password-bando');
  try {
    if (storedHash === null) {
      await verify(await dummyHash, password);
      return false;
    }
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
