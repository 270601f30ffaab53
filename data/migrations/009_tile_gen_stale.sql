-- Tiles: the generalized low-zoom tables (006) learn of changes from the database itself, in the
-- editing transaction, so an edit made while no server listened (a script, psql, an import with
-- app.bulk on, another server process) still rebuilds the cells it touched at the next start.

-- Cells of a generalized layer whose source rows changed since the cell was built. Append-only
-- and without a key, so an edit never waits on a lock here; the builder deletes the rows of the
-- cell it rebuilds, in the transaction that builds it, and a row committed after that delete makes
-- the cell stale again.
CREATE TABLE tile_gen_stale (
  layer text NOT NULL,
  cx integer NOT NULL,
  cy integer NOT NULL
);
CREATE INDEX tile_gen_stale_cell_idx ON tile_gen_stale (layer, cx, cy);

-- The column (x) and row (y) of the web-mercator tile at zoom z holding a longitude or latitude,
-- as tiles/tile-coord.ts computes them.
CREATE OR REPLACE FUNCTION tile_gen_col(lon double precision, z integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT least((1 << z) - 1, greatest(0, floor((lon + 180) / 360 * (1 << z))::integer))
$$;
CREATE OR REPLACE FUNCTION tile_gen_row(lat double precision, z integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT least((1 << z) - 1, greatest(0, floor(
    (1 - ln(tan(radians(least(85.0511287798, greatest(-85.0511287798, lat))))
          + 1 / cos(radians(least(85.0511287798, greatest(-85.0511287798, lat))))) / pi()) / 2 * (1 << z))::integer))
$$;

-- Statement trigger: every cell (at zoom TG_ARGV[1]) under the old or new rows of the statement is
-- stale for layer TG_ARGV[0]. Runs for bulk loads too (one statement, a few rows written).
CREATE OR REPLACE FUNCTION tile_gen_mark_stale() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  layer_id text := TG_ARGV[0];
  z integer := TG_ARGV[1]::integer;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO tile_gen_stale (layer, cx, cy)
    SELECT DISTINCT layer_id, x, y FROM new_rows r,
      generate_series(tile_gen_col(ST_XMin(r.geom), z), tile_gen_col(ST_XMax(r.geom), z)) AS x,
      generate_series(tile_gen_row(ST_YMax(r.geom), z), tile_gen_row(ST_YMin(r.geom), z)) AS y
    WHERE r.geom IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO tile_gen_stale (layer, cx, cy)
    SELECT DISTINCT layer_id, x, y FROM old_rows r,
      generate_series(tile_gen_col(ST_XMin(r.geom), z), tile_gen_col(ST_XMax(r.geom), z)) AS x,
      generate_series(tile_gen_row(ST_YMax(r.geom), z), tile_gen_row(ST_YMin(r.geom), z)) AS y
    WHERE r.geom IS NOT NULL;
  ELSE
    INSERT INTO tile_gen_stale (layer, cx, cy)
    SELECT DISTINCT layer_id, x, y FROM (SELECT geom FROM old_rows UNION ALL SELECT geom FROM new_rows) r,
      generate_series(tile_gen_col(ST_XMin(r.geom), z), tile_gen_col(ST_XMax(r.geom), z)) AS x,
      generate_series(tile_gen_row(ST_YMax(r.geom), z), tile_gen_row(ST_YMin(r.geom), z)) AS y
    WHERE r.geom IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;

-- Transition tables need one trigger per event.
CREATE TRIGGER landuse_areas_gen_insert AFTER INSERT ON landuse_areas
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_gen_mark_stale('landuse', '12');
CREATE TRIGGER landuse_areas_gen_update AFTER UPDATE ON landuse_areas
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_gen_mark_stale('landuse', '12');
CREATE TRIGGER landuse_areas_gen_delete AFTER DELETE ON landuse_areas
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_gen_mark_stale('landuse', '12');

-- Cells built before this migration were kept fresh only by a listening server: build them again once.
UPDATE tile_gen_cells SET dirty = true;
