-- State that every server process behind a load balancer must see alike, kept in the database
-- instead of one process's memory: sign-in attempts per username and background import jobs.

-- Sign-in attempts per username (as login looks it up: trimmed, lower case) in the current window.
-- Counted before the password is checked, so parallel guesses through several processes cannot
-- slip past the limit; a successful sign-in deletes the row. Expired rows are deleted a few at a
-- time by the statement that counts an attempt, so a spray of usernames cannot grow the table
-- beyond the names tried within one window.
CREATE TABLE login_attempts (
  username text PRIMARY KEY,
  attempts integer NOT NULL,
  window_until timestamptz NOT NULL
);
CREATE INDEX login_attempts_until_idx ON login_attempts (window_until);

-- Background imports (POST /api/import?async=true). The process running one writes its progress
-- (throttled) and a heartbeat; any process answers GET /api/import/jobs/{id} from here. A job still
-- 'running' whose heartbeat stopped belongs to a process that died: its import, one transaction,
-- rolled back.
CREATE TABLE import_jobs (
  id uuid PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  progress jsonb NOT NULL,
  report jsonb,
  error jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
-- Finished jobs are kept an hour; the sweep looks them up by when they last changed.
CREATE INDEX import_jobs_sweep_idx ON import_jobs ((coalesce(finished_at, heartbeat_at)));
