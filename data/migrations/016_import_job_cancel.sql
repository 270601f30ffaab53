-- An import job can be asked to stop (DELETE /api/import/jobs/{id}). The request may reach another
-- server process than the one running the job: it is written here, and the running process reads it
-- back with its next progress write or heartbeat (at most 5 s later), then rolls the import back.
-- NULL: never asked. A job asked to stop ends 'failed' with error code ABORTED, unless it had
-- committed first (then 'done', with this time set all the same).
ALTER TABLE import_jobs ADD COLUMN cancel_requested_at timestamptz;
