-- Tiles: precomputed generalized geometry for low zooms, and notifications for the lookup tables
-- that tile sources join (a plan's decision shows on its zoning lots, a map's year on its areas).

-- One row per cell (a tile at the layer's cell zoom) of a generalized layer. The tile engine builds
-- a cell when a low-zoom tile needs it and marks it dirty when the source table changes there.
CREATE TABLE tile_gen_cells (
  layer text NOT NULL,
  cx integer NOT NULL,
  cy integer NOT NULL,
  dirty boolean NOT NULL DEFAULT true,
  built_at timestamptz,
  PRIMARY KEY (layer, cx, cy)
);

-- Land-use areas dissolved per (map, code) inside each z12 cell and simplified at half a pixel of
-- `level` (z10 and z12): a few large polygons instead of thousands for the city-wide view.
CREATE TABLE tile_gen_landuse (
  id bigserial PRIMARY KEY,
  cx integer NOT NULL,
  cy integer NOT NULL,
  level integer NOT NULL,
  map_id integer NOT NULL,
  land_use_code text NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX tile_gen_landuse_geom_idx ON tile_gen_landuse USING gist (geom);
CREATE INDEX tile_gen_landuse_cell_idx ON tile_gen_landuse (cx, cy);

-- A change to a plan or a land-use map changes attributes of every lot or area under it: notify
-- with their extent so the tiles there are redrawn.
CREATE OR REPLACE FUNCTION notify_parent_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  pid integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
  box geometry;
BEGIN
  IF current_setting('app.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_TABLE_NAME = 'planning_plans' THEN
    SELECT ST_Extent(geom)::geometry INTO box FROM zoning_lots WHERE plan_id = pid;
    PERFORM notify_tile_change('zoning_lots', ARRAY[box]);
  ELSE
    SELECT ST_Extent(geom)::geometry INTO box FROM landuse_areas WHERE map_id = pid;
    PERFORM notify_tile_change('landuse_areas', ARRAY[box]);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER planning_plans_tiles AFTER UPDATE OR DELETE ON planning_plans FOR EACH ROW EXECUTE FUNCTION notify_parent_change();
CREATE TRIGGER landuse_maps_tiles AFTER UPDATE OR DELETE ON landuse_maps FOR EACH ROW EXECUTE FUNCTION notify_parent_change();
