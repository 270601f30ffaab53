// Accounts managed by administrators: list, create, change (role, communes, active), set a password;
// and a user changing their own password. Every change is written to the edit log (collection
// 'users', who and when) without the password or its hash, and a change that alters what a user may
// do ends that user's sessions, so it holds from their next request on.
import type { Queryable } from '../db/index.ts';
import type { Db } from '../db/index.ts';
import { withEdits } from '../db/edit-context.ts';
import type { Viewer } from '../contracts/viewer.ts';
import {
  ACCOUNT_REASONS,
  ACCOUNT_ROLES,
  MAX_DISPLAY_NAME,
  type Account,
  type AccountFieldError,
  type AccountList,
  type AccountListQuery,
  type AccountPatch,
  type AccountRole,
  type CommuneChoice,
  type NewAccountBody,
} from '../contracts/accounts.ts';
import { AppError } from '../plugins/errors.ts';
import { readIfMatch, ifMatchNames } from '../registry/preconditions.ts';
import { hashPassword } from './passwords.ts';
import { upsertUser } from './users.ts';
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN } from '../domain/account-rules.ts';
import { tokenHash } from './sessions.ts';
import * as sql from './accounts.sql.ts';

// A display name is one line of text: no control characters (a NUL, a newline, a bidi override).
const CONTROL = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// A commune code worth asking the database about (others are unknown without a query).
const CODE_FORM = /^[0-9A-Za-z]{1,16}$/;

type AccountRow = {
  id: number;
  username: string;
  display_name: string;
  role: AccountRole;
  farmer_id: number | null;
  active: boolean;
  version: number;
  created_at: string;
  last_sign_in_at: string | null;
  communes: string[] | null;
  total?: number;
};

/** The ETag of an account's version: `"id-version"`, what PATCH /api/users/:id takes as If-Match. */
export function accountETag(id: number, version: number): string {
  return `"${id}-${version}"`;
}

function toAccount(row: AccountRow): Account {
  const id = Number(row.id);
  const version = Number(row.version);
  return {
    id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    communes: row.role === 'officer' ? (row.communes ?? []) : [],
    farmerId: row.farmer_id === null ? null : Number(row.farmer_id),
    active: row.active,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
    version,
    etag: accountETag(id, version),
  };
}

// What the edit log keeps of an account: what an administrator sets, never the password or its hash.
function logDoc(account: Account): Record<string, unknown> {
  const { id, username, displayName, role, communes, farmerId, active, version } = account;
  return { id, username, displayName, role, communes, farmerId, active, version };
}

async function logEdit(
  tx: Queryable,
  by: number | null,
  id: number,
  action: 'insert' | 'update',
  before: unknown,
  after: unknown,
  origin: 'api' | 'cli' = 'api',
): Promise<void> {
  await tx.query(sql.LOG_ACCOUNT_EDIT, [
    by,
    action,
    String(id),
    before === null ? null : JSON.stringify(before),
    JSON.stringify(after),
    origin,
  ]);
}

/** 401 signed out, 403 for every role but administrators. */
export function requireAdmin(viewer: Viewer): void {
  if (viewer.role === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in as an administrator to manage accounts.');
  if (viewer.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators manage accounts.');
}

function refuse(errors: AccountFieldError[]): never {
  const first = errors[0]!;
  throw new AppError('VALIDATION_FAILED', errors.map((e) => e.detail).join(' '), {
    reason: first.reason,
    field: first.field,
    errors,
  });
}

function fieldError(field: string, reason: AccountFieldError['reason'], detail: string, codes?: string[]): AccountFieldError {
  return codes ? { field, reason, detail, codes } : { field, reason, detail };
}

function checkPassword(field: string, password: string): AccountFieldError | undefined {
  return password.length < MIN_PASSWORD_LENGTH
    ? fieldError(field, ACCOUNT_REASONS.PASSWORD_SHORT, `${field} needs at least ${MIN_PASSWORD_LENGTH} characters.`)
    : undefined;
}

function checkDisplayName(name: string): AccountFieldError | undefined {
  if (name === '') return fieldError('displayName', ACCOUNT_REASONS.DISPLAY_NAME_REQUIRED, 'displayName is required.');
  if (name.length > MAX_DISPLAY_NAME)
    return fieldError('displayName', ACCOUNT_REASONS.DISPLAY_NAME_LONG, `displayName has at most ${MAX_DISPLAY_NAME} characters.`);
  if (CONTROL.test(name))
    return fieldError('displayName', ACCOUNT_REASONS.DISPLAY_NAME_CONTROL, 'displayName is one line of text, without control characters.');
  return undefined;
}

function isRole(role: string): role is AccountRole {
  return (ACCOUNT_ROLES as readonly string[]).includes(role);
}

/**
 * The refusals of a role with its communes and farmer: communes for officers only (at least one, each
 * one of today's communes or wards), a farmer record for farmers only (one that exists).
 */
async function checkScope(
  db: Queryable,
  role: AccountRole,
  communes: readonly string[],
  farmerId: number | null,
): Promise<AccountFieldError[]> {
  const errors: AccountFieldError[] = [];
  if (role === 'officer') {
    if (communes.length === 0) {
      errors.push(fieldError('communes', ACCOUNT_REASONS.COMMUNES_REQUIRED, 'An officer needs at least one commune or ward.'));
    } else {
      const asked = communes.filter((c) => CODE_FORM.test(c));
      const { rows } = asked.length ? await db.query<{ code: string }>(sql.CURRENT_COMMUNES_AMONG, [asked]) : { rows: [] };
      const known = new Set(rows.map((r) => r.code));
      const unknown = communes.filter((c) => !known.has(c));
      if (unknown.length) {
        const shown = unknown.slice(0, 10).map((c) => JSON.stringify(c.slice(0, 32)));
        errors.push(
          fieldError(
            'communes',
            ACCOUNT_REASONS.COMMUNE_UNKNOWN,
            `Not one of today's communes or wards: ${shown.join(', ')}${unknown.length > 10 ? '…' : ''}.`,
            unknown.slice(0, 10).map((c) => c.slice(0, 32)),
          ),
        );
      }
    }
  } else if (communes.length > 0) {
    errors.push(fieldError('communes', ACCOUNT_REASONS.COMMUNES_OFFICER_ONLY, 'Only officers are given communes.'));
  }
  if (role === 'farmer') {
    if (farmerId === null) errors.push(fieldError('farmerId', ACCOUNT_REASONS.FARMER_REQUIRED, "A farmer's account needs farmerId."));
    else if ((await db.query(sql.FARMER_EXISTS, [farmerId])).rows.length === 0)
      errors.push(fieldError('farmerId', ACCOUNT_REASONS.FARMER_UNKNOWN, `No farmer ${farmerId}.`));
  } else if (farmerId !== null) {
    errors.push(fieldError('farmerId', ACCOUNT_REASONS.FARMER_FARMER_ONLY, "Only a farmer's account links a farmer."));
  }
  return errors;
}

const unique = (codes: readonly string[]): string[] => [...new Set(codes)].sort();

async function readAccount(db: Queryable, id: number): Promise<Account | null> {
  const { rows } = await db.query<AccountRow>(sql.ACCOUNT_BY_ID, [id]);
  return rows[0] ? toAccount(rows[0]) : null;
}

/**
 * GET /api/users: one page of the accounts (`limit` from `offset`, by username), the total of them
 * all, and the communes an officer can be given. The page's rows carry the total; a page past the end
 * has none, so the total is counted apart then (it said 0, as if there were no accounts).
 */
export async function listAccounts(db: Queryable, viewer: Viewer, query: AccountListQuery): Promise<AccountList> {
  requireAdmin(viewer);
  const q = query.q?.trim() || null;
  const { rows } = await db.query<AccountRow>(sql.LIST_ACCOUNTS, [q, query.limit, query.offset]);
  const total = rows[0]
    ? Number(rows[0].total)
    : query.offset > 0
      ? ((await db.query<{ total: number }>(sql.COUNT_ACCOUNTS, [q])).rows[0]?.total ?? 0)
      : 0;
  const communes = await db.query<CommuneChoice>(sql.COMMUNE_CHOICES);
  return { users: rows.map(toAccount), total, communes: communes.rows };
}

/** GET /api/users/:id. */
export async function getAccount(db: Queryable, viewer: Viewer, id: number): Promise<Account> {
  requireAdmin(viewer);
  const account = await readAccount(db, id);
  if (!account) throw new AppError('NOT_FOUND', `No account ${id}.`);
  return account;
}

/** POST /api/users: 422 naming every refused field; 409 when the username is taken. */
export async function createAccount(db: Db, viewer: Viewer, body: NewAccountBody): Promise<Account> {
  requireAdmin(viewer);
  const username = body.username.trim().toLowerCase();
  const displayName = body.displayName.trim();
  const communes = unique(body.communes ?? []);
  const farmerId = body.farmerId ?? null;
  const errors: AccountFieldError[] = [];
  if (!USERNAME_PATTERN.test(username))
    errors.push(fieldError('username', ACCOUNT_REASONS.USERNAME_SHAPE, 'A username is 3–64 characters of a–z, 0–9, ".", "_" or "-".'));
  const password = checkPassword('password', body.password);
  if (password) errors.push(password);
  const name = checkDisplayName(displayName);
  if (name) errors.push(name);
  if (!isRole(body.role)) {
    errors.push(fieldError('role', ACCOUNT_REASONS.ROLE_UNKNOWN, `role is one of ${ACCOUNT_ROLES.join(', ')}.`));
  } else {
    errors.push(...(await checkScope(db, body.role, communes, farmerId)));
  }
  if (errors.length) refuse(errors);
  const role = body.role as AccountRole;
  const hash = await hashPassword(body.password);
  return withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
    const { rows } = await tx.query<{ id: number }>(sql.INSERT_ACCOUNT, [username, hash, role, displayName, farmerId]);
    if (!rows[0]) {
      throw new AppError('CONFLICT', `The username ${username} is taken; choose another.`, {
        reason: ACCOUNT_REASONS.USERNAME_TAKEN,
        field: 'username',
      });
    }
    const id = Number(rows[0].id);
    if (communes.length) await tx.query(sql.INSERT_COMMUNES, [id, communes]);
    const account = (await readAccount(tx, id))!;
    await logEdit(tx, viewer.userId, id, 'insert', null, logDoc(account));
    return account;
  });
}

/**
 * PATCH /api/users/:id with If-Match: 404 for no such account, then 428 without If-Match, 412 when
 * stale (with currentETag), 422 naming refused fields, 409 for an administrator demoting or
 * deactivating themself or leaving no active administrator. A change of role, communes, farmer or a
 * deactivation ends the account's sessions.
 */
export async function updateAccount(
  db: Db,
  viewer: Viewer,
  id: number,
  ifMatchHeader: string | string[] | undefined,
  patch: AccountPatch,
): Promise<Account> {
  requireAdmin(viewer);
  return withEdits(db, { userId: viewer.userId, origin: 'api' }, async (tx) => {
    const admins = (await tx.query<{ id: number }>(sql.LOCK_ADMINS)).rows.map((r) => Number(r.id));
    // Read after the lock: another administrator may have demoted or deactivated this one meanwhile.
    if (viewer.userId === null || !admins.includes(viewer.userId))
      throw new AppError('FORBIDDEN', 'Your account is no longer an active administrator.');
    await tx.query(sql.LOCK_ACCOUNT, [id]);
    const before = await readAccount(tx, id);
    if (!before) throw new AppError('NOT_FOUND', `No account ${id}.`);
    const ifMatch = readIfMatch(ifMatchHeader);
    if (!ifMatch)
      throw new AppError(
        'PRECONDITION_REQUIRED',
        `Changing account ${id} needs If-Match with the ETag of the version you read (GET /api/users/${id} or the list's etag).`,
      );
    if (!ifMatchNames(ifMatch, id, before.version))
      throw new AppError(
        'PRECONDITION_FAILED',
        `Account ${id} changed since you read it (now version ${before.version}); read it again and apply your change again.`,
        { currentETag: before.etag },
      );

    const errors: AccountFieldError[] = [];
    const displayName = patch.displayName === undefined ? before.displayName : patch.displayName.trim();
    if (patch.displayName !== undefined) {
      const name = checkDisplayName(displayName);
      if (name) errors.push(name);
    }
    const roleAsked = patch.role ?? before.role;
    if (!isRole(roleAsked)) {
      errors.push(fieldError('role', ACCOUNT_REASONS.ROLE_UNKNOWN, `role is one of ${ACCOUNT_ROLES.join(', ')}.`));
      refuse(errors);
    }
    const role: AccountRole = roleAsked;
    // Leaving the officers takes the communes away; leaving the farmers, the farmer record.
    const communes = patch.communes !== undefined ? unique(patch.communes) : role === 'officer' ? before.communes : [];
    const farmerId = patch.farmerId !== undefined ? patch.farmerId : role === 'farmer' ? before.farmerId : null;
    if (patch.role !== undefined || patch.communes !== undefined || patch.farmerId !== undefined)
      errors.push(...(await checkScope(tx, role, communes, farmerId)));
    if (errors.length) refuse(errors);
    const active = patch.active ?? before.active;

    if (id === viewer.userId && role !== 'admin')
      throw new AppError('CONFLICT', 'You cannot take the administrator role from your own account; another administrator can.', {
        reason: ACCOUNT_REASONS.OWN_ROLE,
        field: 'role',
      });
    if (id === viewer.userId && !active)
      throw new AppError('CONFLICT', 'You cannot deactivate your own account; another administrator can.', {
        reason: ACCOUNT_REASONS.OWN_ACTIVE,
        field: 'active',
      });
    const staysAdmin = role === 'admin' && active;
    if (admins.includes(id) && !staysAdmin && admins.length <= 1)
      throw new AppError('CONFLICT', 'This is the last active administrator: make another account an administrator first.', {
        reason: ACCOUNT_REASONS.LAST_ADMIN,
        field: patch.active === false ? 'active' : 'role',
      });

    const scopeChanged =
      role !== before.role || communes.join(',') !== before.communes.join(',') || farmerId !== before.farmerId || active !== before.active;
    if (!scopeChanged && displayName === before.displayName) return before;
    await tx.query(sql.UPDATE_ACCOUNT, [id, displayName, role, farmerId, active]);
    if (communes.join(',') !== before.communes.join(',') || role !== before.role) {
      await tx.query(sql.DELETE_COMMUNES, [id]);
      if (communes.length) await tx.query(sql.INSERT_COMMUNES, [id, communes]);
    }
    // What the user may do changed: their open pages and tools must not keep the old rights.
    if (scopeChanged) await tx.query(sql.END_SESSIONS, [id, null]);
    const after = (await readAccount(tx, id))!;
    await logEdit(tx, viewer.userId, id, 'update', logDoc(before), logDoc(after));
    return after;
  });
}

/**
 * Writes a new password for account `id`, ends its sessions (all but `keepToken`'s) and its failed
 * sign-ins, and logs that the password changed (not the password).
 */
async function writePassword(
  db: Db,
  by: number | null,
  id: number,
  password: string,
  keepToken: string | null,
  how: 'set-by-admin' | 'changed-by-user',
): Promise<void> {
  const hash = await hashPassword(password);
  await withEdits(db, { userId: by, origin: 'api' }, async (tx) => {
    await tx.query(sql.LOCK_ACCOUNT, [id]);
    const before = await readAccount(tx, id);
    if (!before) throw new AppError('NOT_FOUND', `No account ${id}.`);
    await tx.query(sql.UPDATE_PASSWORD, [id, hash]);
    await tx.query(sql.END_SESSIONS, [id, keepToken === null ? null : tokenHash(keepToken)]);
    await tx.query(sql.FORGET_FAILURES, [before.username]);
    const after = (await readAccount(tx, id))!;
    await logEdit(tx, by, id, 'update', logDoc(before), { ...logDoc(after), passwordChange: how });
  });
}

/** POST /api/users/:id/password: an administrator sets a new password; the account's sessions end (the admin's own current one aside). */
export async function setAccountPassword(db: Db, viewer: Viewer, sessionToken: string | null, id: number, password: string): Promise<void> {
  requireAdmin(viewer);
  const error = checkPassword('password', password);
  if (error) refuse([error]);
  await writePassword(db, viewer.userId, id, password, id === viewer.userId ? sessionToken : null, 'set-by-admin');
}

/** The username and password hash of the signed-in user's active account, for checking their current password. */
export async function ownPasswordHash(db: Queryable, userId: number): Promise<{ username: string; passwordHash: string } | null> {
  const { rows } = await db.query<{ username: string; password_hash: string }>(sql.PASSWORD_HASH, [userId]);
  return rows[0] ? { username: rows[0].username, passwordHash: rows[0].password_hash } : null;
}

/** The refusal of a new password too short, before any check of the current one. */
export function checkNewPassword(password: string): void {
  const error = checkPassword('newPassword', password);
  if (error) refuse([error]);
}

/** POST /api/auth/password once the current password was verified: the other sessions of the user end. */
export async function changeOwnPassword(db: Db, userId: number, sessionToken: string, newPassword: string): Promise<void> {
  await writePassword(db, userId, userId, newPassword, sessionToken, 'changed-by-user');
}

/** Remembers that account `userId` signed in now (the administrators' list shows it). */
export async function recordSignIn(db: Queryable, userId: number): Promise<void> {
  await db.query(sql.RECORD_SIGN_IN, [userId]);
}

/**
 * The create-admin command: makes `username` an active administrator with this password, creating the
 * account, or with `reset` replacing the role, name and password of an existing one, and ends its
 * sessions. Logged as the API logs the accounts it makes and the passwords it sets (collection
 * `users`, insert or update, what an administrator sets and never the password or its hash), by no
 * one (user_id null: nobody is signed in) from origin `cli`. An existing account without `reset` is
 * refused, nothing written. One transaction: the account and its log entry come together or not at all.
 */
export async function provisionAdministrator(
  db: Db,
  user: { username: string; password: string; displayName: string },
  reset: boolean,
): Promise<{ id: number; created: boolean }> {
  return db.transaction(async (tx) => {
    const existing = (await tx.query<{ id: number }>(sql.LOCK_ACCOUNT_BY_USERNAME, [user.username])).rows[0];
    if (existing && !reset) throw new Error(`user ${user.username} exists: reset it to make it an administrator with this password.`);
    const before = existing ? await readAccount(tx, Number(existing.id)) : null;
    const id = await upsertUser(tx, { ...user, role: 'admin' }, { replace: reset });
    // A reset also signs the account out everywhere: its old sessions may be what was compromised.
    await tx.query(sql.END_SESSIONS, [id, null]);
    // As a password set by an administrator does: a locked-out administrator signs in at once.
    if (before) await tx.query(sql.FORGET_FAILURES, [user.username]);
    const after = (await readAccount(tx, id))!;
    if (before) await logEdit(tx, null, id, 'update', logDoc(before), { ...logDoc(after), passwordChange: 'set-by-cli' }, 'cli');
    else await logEdit(tx, null, id, 'insert', null, logDoc(after), 'cli');
    return { id, created: !before };
  });
}
