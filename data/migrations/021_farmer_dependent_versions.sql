-- A farmer's name, phone and citizen ID live in farmer_private, but what shows them is tagged by
-- the version of another row: a plot's and a household product's item in the features API
-- (farmer_name, farmer_phone, a plot's farmer_citizen_id), and a growing area's read in the registry
-- (its member plots' farmer names). Migration 020 moves a row's version with every change of that
-- row only, so after a farmer was renamed (PATCH /api/farmers/:id, or an UPDATE in SQL) an officer's
-- kept copy of the farmer's plot revalidated 304 with the old name, and a write with the old
-- If-Match was taken.
--
-- So a change of what those answers show of a farmer moves the version of every row that shows it:
-- the farmer's plots and products, and the growing areas that list one of the farmer's plots (the
-- plots naming the area now, and the members a closed area recorded, migration 017, which it lists
-- with the farmer's name of today). One bump per row and change, with updated_at stamped as
-- migration 020 stamps it (a client asking what changed since, datetime=…/.., gets the new name): a
-- farmer with 200 plots renamed writes 200 plot rows (each logged in edit_log with the farmer edit's
-- user and origin, and its tiles told, as any edit). The farmer's address is shown by none of them
-- and moves nothing. The areas are locked before the plots, in id order, as the registry and the
-- features API lock them.

CREATE OR REPLACE FUNCTION farmer_private_bump_dependents() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  fid bigint;
  -- Which rows show what changed: plots show the name, phone and citizen ID; products the name and
  -- phone; the registry's area read the name. A row added or removed, or moved to another farmer, all.
  by_plots boolean := true;
  by_products boolean := true;
  by_areas boolean := true;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.farmer_id = OLD.farmer_id THEN
    by_areas := NEW.full_name IS DISTINCT FROM OLD.full_name;
    by_products := by_areas OR NEW.phone IS DISTINCT FROM OLD.phone;
    by_plots := by_products OR NEW.citizen_id IS DISTINCT FROM OLD.citizen_id;
  END IF;
  IF NOT by_plots THEN RETURN NULL; END IF;

  FOR fid IN
    SELECT DISTINCT x FROM unnest(ARRAY[
      CASE WHEN TG_OP <> 'INSERT' THEN OLD.farmer_id END,
      CASE WHEN TG_OP <> 'DELETE' THEN NEW.farmer_id END]) x WHERE x IS NOT NULL
  LOOP
    IF by_areas THEN
      PERFORM 1 FROM growing_areas g
        WHERE g.id IN (SELECT p.growing_area_id FROM plots p WHERE p.farmer_id = fid
                       UNION SELECT c.growing_area_id FROM growing_area_closed_plots c WHERE c.farmer_id = fid)
        ORDER BY g.id FOR NO KEY UPDATE;
      UPDATE growing_areas g SET version = g.version + 1, updated_at = now()
        WHERE g.id IN (SELECT p.growing_area_id FROM plots p WHERE p.farmer_id = fid
                       UNION SELECT c.growing_area_id FROM growing_area_closed_plots c WHERE c.farmer_id = fid);
    END IF;
    PERFORM 1 FROM plots p WHERE p.farmer_id = fid ORDER BY p.id FOR NO KEY UPDATE;
    UPDATE plots p SET version = p.version + 1, updated_at = now() WHERE p.farmer_id = fid;
    IF by_products THEN
      UPDATE products pr SET version = pr.version + 1, updated_at = now() WHERE pr.farmer_id = fid;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS farmer_private_dependents ON farmer_private;
CREATE TRIGGER farmer_private_dependents AFTER INSERT OR UPDATE OR DELETE ON farmer_private
  FOR EACH ROW EXECUTE FUNCTION farmer_private_bump_dependents();

-- A plot's trigger refreshing its growing area's shape and m² (migration 004) ran refresh_growing_area
-- for every UPDATE of a member plot, though only a plot joining, leaving or reshaping changes them:
-- the bump above, on a farmer's 200 plots of one area, unioned that area 200 times (2 s for one
-- rename). An UPDATE that keeps the plot's area and its exact coordinates now refreshes nothing.
CREATE OR REPLACE FUNCTION plots_refresh_growing_area() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('app.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' AND NEW.growing_area_id IS NOT DISTINCT FROM OLD.growing_area_id AND NEW.geom = OLD.geom THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.growing_area_id IS NOT NULL THEN
    PERFORM refresh_growing_area(OLD.growing_area_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.growing_area_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.growing_area_id IS DISTINCT FROM OLD.growing_area_id OR NOT ST_Equals(NEW.geom, OLD.geom)) THEN
    PERFORM refresh_growing_area(NEW.growing_area_id);
  END IF;
  RETURN NULL;
END $$;
