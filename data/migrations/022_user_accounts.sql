-- Accounts managed by administrators through /api/users (server/routes/accounts.ts).
--
-- A version on users, for the If-Match of PATCH /api/users/:id: two administrators editing one
-- account (one adding a commune, the other deactivating it) cannot overwrite each other unseen.
-- The API bumps it itself (version = version + 1, also when only the user's communes changed, which
-- live in user_communes); an UPDATE in SQL that left it alone is bumped by migration 020's trigger.
ALTER TABLE users ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1;
DROP TRIGGER IF EXISTS users_version ON users;
CREATE TRIGGER users_version BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION bump_row_version_only();

-- When each account last signed in, for the administrators' list. A table of its own rather than a
-- column of users: a sign-in writing users would move its version, and an administrator's PATCH
-- made on the version read before the user signed in would be refused 412 for nothing.
CREATE TABLE IF NOT EXISTS user_sign_ins (
  user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  at timestamptz NOT NULL
);
