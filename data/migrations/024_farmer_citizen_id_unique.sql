-- One farmer per citizen ID (CCCD, 12 digits; old CMND, 9): the same person registered twice would
-- have their plots split between two records. The column's CHECK (004) keeps it as bare digits, the
-- form and the API strip spaces and dots before it is written, so the column is the normalised ID.
-- The index makes two officers registering one ID at the same moment meet: the second insert fails
-- with a unique violation, which the registry answers as 409 duplicate-citizen-id.
--
-- An installation that already holds one ID on two farmers must not fail to start over it: those
-- records are people to merge by hand. Then the index waits (the registry's own check still
-- refuses new duplicates, one request at a time), a warning names how many IDs are shared, and
-- creating the index after the merge is one statement, the one below.
DO $$
DECLARE
  shared integer;
BEGIN
  SELECT count(*) INTO shared FROM (
    SELECT citizen_id FROM farmer_private WHERE citizen_id IS NOT NULL GROUP BY citizen_id HAVING count(*) > 1
  ) d;
  IF shared = 0 THEN
    CREATE UNIQUE INDEX farmer_private_citizen_id_key ON farmer_private (citizen_id) WHERE citizen_id IS NOT NULL;
  ELSE
    RAISE WARNING '% citizen IDs are held by more than one farmer: merge those farmers, then run CREATE UNIQUE INDEX farmer_private_citizen_id_key ON farmer_private (citizen_id) WHERE citizen_id IS NOT NULL', shared;
  END IF;
END
$$;
