-- A row's `version` is what its ETag is made of (the features API's items, the registry's growing
-- areas): If-None-Match and If-Match are answered by it. The application's writes bump it themselves
-- (version = version + 1), but a direct SQL edit (a QGIS user editing plots straight in PostGIS, a
-- DBA's UPDATE) and the database's own statements (refresh_growing_area reshaping an area when one of
-- its plots moves, migrations 004 and 017) did not: an ETag read before such a change still matched
-- after it, a conditional GET answered 304 onto the old copy, and a PATCH with the old If-Match was
-- applied over the change (a lost update, where DESIGN.md promises 412).
--
-- So each table whose version makes an ETag bumps it in a BEFORE UPDATE trigger when the writer did
-- not and the row changed, and stamps updated_at with it where the table has one and the writer left
-- it as it was. A writer that moved the version itself is left alone, so the application's writes
-- still move it exactly once; an UPDATE that changes nothing (SET x = x, a refresh that finds the
-- same shape) moves nothing. Tiles follow such edits through their own triggers (migration 005).

-- Whether rows a and b of one table differ, the columns named in left_out aside. A stored generated
-- column (plots.area_m2) is NULL in a BEFORE trigger's NEW, computed only when the row is written,
-- so it would make every row look changed: the trigger names them and they are compared as NULL on
-- both sides (they follow the columns they are made from, which are compared).
CREATE OR REPLACE FUNCTION row_differs(a anyelement, b anyelement, left_out text[]) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT jsonb_populate_record(a, u) IS DISTINCT FROM jsonb_populate_record(b, u)
  FROM (SELECT coalesce(jsonb_object_agg(c, NULL::text), '{}'::jsonb) AS u FROM unnest(coalesce(left_out, '{}'::text[])) c) s
$$;

-- For tables with version and updated_at. Trigger arguments: the table's stored generated columns.
CREATE OR REPLACE FUNCTION bump_row_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version IS NOT DISTINCT FROM OLD.version AND row_differs(NEW, OLD, TG_ARGV) THEN
    NEW.version := OLD.version + 1;
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN NEW.updated_at := now(); END IF;
  END IF;
  RETURN NEW;
END $$;

-- For tables with a version and no updated_at (farmers).
CREATE OR REPLACE FUNCTION bump_row_version_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version IS NOT DISTINCT FROM OLD.version AND row_differs(NEW, OLD, TG_ARGV) THEN
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END $$;

-- Every table with a version column (the features API's collections and the registry's farmers). A
-- stored generated column added to one of them later must be named here in a new migration, or every
-- UPDATE of that table bumps (tests/integration/migrations.test.ts checks that they are named).
DROP TRIGGER IF EXISTS parcels_version ON parcels;
CREATE TRIGGER parcels_version BEFORE UPDATE ON parcels FOR EACH ROW EXECUTE FUNCTION bump_row_version();
DROP TRIGGER IF EXISTS landuse_areas_version ON landuse_areas;
CREATE TRIGGER landuse_areas_version BEFORE UPDATE ON landuse_areas FOR EACH ROW EXECUTE FUNCTION bump_row_version();
DROP TRIGGER IF EXISTS zoning_lots_version ON zoning_lots;
CREATE TRIGGER zoning_lots_version BEFORE UPDATE ON zoning_lots FOR EACH ROW EXECUTE FUNCTION bump_row_version();
DROP TRIGGER IF EXISTS products_version ON products;
CREATE TRIGGER products_version BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION bump_row_version();
DROP TRIGGER IF EXISTS growing_areas_version ON growing_areas;
CREATE TRIGGER growing_areas_version BEFORE UPDATE ON growing_areas FOR EACH ROW EXECUTE FUNCTION bump_row_version();
DROP TRIGGER IF EXISTS plots_version ON plots;
CREATE TRIGGER plots_version BEFORE UPDATE ON plots FOR EACH ROW EXECUTE FUNCTION bump_row_version('area_m2');
DROP TRIGGER IF EXISTS farmers_version ON farmers;
CREATE TRIGGER farmers_version BEFORE UPDATE ON farmers FOR EACH ROW EXECUTE FUNCTION bump_row_version_only();
