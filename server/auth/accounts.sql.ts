// SQL of the accounts that administrators manage (accounts.service.ts).

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

const ACCOUNT_COLUMNS = `u.id, u.username, u.display_name, u.role, u.farmer_id, u.active, u.version,
  ${ISO('u.created_at')} AS created_at, ${ISO('s.at')} AS last_sign_in_at,
  coalesce((SELECT array_agg(c.commune_code ORDER BY c.commune_code) FROM user_communes c WHERE c.user_id = u.id), '{}') AS communes`;

/** Accounts whose username or display name holds $1 (null: all), by username; $2 limit, $3 offset. */
export const LIST_ACCOUNTS = `
  SELECT ${ACCOUNT_COLUMNS}, count(*) OVER () AS total
  FROM users u LEFT JOIN user_sign_ins s ON s.user_id = u.id
  WHERE $1::text IS NULL OR strpos(u.username, lower($1)) > 0 OR strpos(vn_fold(u.display_name), vn_fold($1)) > 0
  ORDER BY u.username
  LIMIT $2 OFFSET $3`;

/** How many accounts LIST_ACCOUNTS would list without its page; $1 as there. */
export const COUNT_ACCOUNTS = `
  SELECT count(*)::int AS total FROM users u
  WHERE $1::text IS NULL OR strpos(u.username, lower($1)) > 0 OR strpos(vn_fold(u.display_name), vn_fold($1)) > 0`;

/** One account; $1 id. */
export const ACCOUNT_BY_ID = `
  SELECT ${ACCOUNT_COLUMNS} FROM users u LEFT JOIN user_sign_ins s ON s.user_id = u.id WHERE u.id = $1`;

/** Today's communes, wards and towns an officer can be given, in the order of their names (accents aside). */
export const COMMUNE_CHOICES = `
  SELECT code, name FROM (
    SELECT DISTINCT ON (code) code, name FROM admin_units
    WHERE level IN ('ward', 'commune', 'town') AND valid_from <= current_date AND (valid_to IS NULL OR valid_to > current_date)
    ORDER BY code, valid_from DESC
  ) today
  ORDER BY vn_fold(name), code`;

/** Which of the codes $1 are today's communes, wards or towns. */
export const CURRENT_COMMUNES_AMONG = `
  SELECT DISTINCT code FROM admin_units
  WHERE code = ANY($1::text[]) AND level IN ('ward', 'commune', 'town')
    AND valid_from <= current_date AND (valid_to IS NULL OR valid_to > current_date)`;

/** Whether farmer $1 exists. */
export const FARMER_EXISTS = 'SELECT 1 FROM farmers WHERE id = $1';

/** A new account; $1 username … $5 farmer id. No row when the username is taken. */
export const INSERT_ACCOUNT = `
  INSERT INTO users (username, password_hash, role, display_name, farmer_id) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (username) DO NOTHING RETURNING id`;

/** Gives account $1 the communes $2 (replacing none: call DELETE_COMMUNES first). */
export const INSERT_COMMUNES = 'INSERT INTO user_communes (user_id, commune_code) SELECT $1, unnest($2::text[])';
export const DELETE_COMMUNES = 'DELETE FROM user_communes WHERE user_id = $1';

/**
 * Locks the active administrators, in id order, before any account is changed: two administrators
 * demoting each other at once are then taken one after the other, and the second sees that they
 * would leave no administrator.
 */
export const LOCK_ADMINS = `SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`;

/** Locks account $1 for a change. */
export const LOCK_ACCOUNT = 'SELECT id FROM users WHERE id = $1 FOR UPDATE';

/** Writes an account's fields, moving its version once; $1 id, $2 display name, $3 role, $4 farmer id, $5 active. */
export const UPDATE_ACCOUNT = `
  UPDATE users SET display_name = $2, role = $3, farmer_id = $4, active = $5, version = version + 1 WHERE id = $1`;

/** A new password hash for account $1 ($2), moving its version once. */
export const UPDATE_PASSWORD = 'UPDATE users SET password_hash = $2, version = version + 1 WHERE id = $1';

/** The password hash of active account $1. */
export const PASSWORD_HASH = 'SELECT username, password_hash FROM users WHERE id = $1 AND active';

/** Ends every session of account $1 but the one whose token hash is $2 (null: all of them). */
export const END_SESSIONS = 'DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR token_hash <> $2)';

/** The id of username $1, locked for the create-admin command's change. */
export const LOCK_ACCOUNT_BY_USERNAME = 'SELECT id FROM users WHERE username = $1 FOR UPDATE';

/** Forgets the failed sign-ins of username $1 (a password reset lets a locked-out user in at once). */
export const FORGET_FAILURES = 'DELETE FROM login_attempts WHERE username = $1';

/** The edit log's row of a change to account $3 by $1 ($2 action, $4 before, $5 after: never a password or hash). */
export const LOG_ACCOUNT_EDIT = `
  INSERT INTO edit_log (user_id, origin, collection, feature_id, action, before, after)
  VALUES ($1, $6, 'users', $3, $2, $4::jsonb, $5::jsonb)`;

/** Records a sign-in of account $1. */
export const RECORD_SIGN_IN = `
  INSERT INTO user_sign_ins (user_id, at) VALUES ($1, now()) ON CONFLICT (user_id) DO UPDATE SET at = excluded.at`;
