-- A lifecycle decision (an issue, an approval, a suspension, a restore, a revocation, a re-issue) is
-- dated by the decision itself, not by the moment an officer recorded it: a suspension signed on the
-- 20th and entered on the 30th is a suspension of the 20th, and the card, the history, the public
-- lookup, the features API, the files and the printed profile say the 20th. Until now the only day
-- was the transition's `at` (when it was recorded), read in Vietnam's time.
--
-- decided_on holds that day with the move. Moves recorded before this migration keep the day they
-- were recorded (what everything showed until now). A move written without one (the seed, a script,
-- a move that is no decision: a submission, an inspection result) is dated the day it is recorded,
-- in Vietnam (UTC+7), by the trigger below. Written so that a second run changes nothing.
ALTER TABLE growing_area_transitions ADD COLUMN IF NOT EXISTS decided_on date;

UPDATE growing_area_transitions SET decided_on = (at AT TIME ZONE INTERVAL '+07:00')::date WHERE decided_on IS NULL;

CREATE OR REPLACE FUNCTION transition_decided_on() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.decided_on IS NULL THEN
    NEW.decided_on := (NEW.at AT TIME ZONE INTERVAL '+07:00')::date;
  END IF;
  RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS growing_area_transitions_decided_on ON growing_area_transitions;
CREATE TRIGGER growing_area_transitions_decided_on BEFORE INSERT ON growing_area_transitions
  FOR EACH ROW EXECUTE FUNCTION transition_decided_on();

ALTER TABLE growing_area_transitions ALTER COLUMN decided_on SET NOT NULL;
