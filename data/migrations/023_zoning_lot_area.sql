-- A zoning lot's area, geodesic in m², kept with its outline (as a plot's is): with the lot's
-- maximum FAR it gives the floor area the plan allows there, the planner's first question.
ALTER TABLE zoning_lots ADD COLUMN area_m2 double precision GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED;
-- A stored generated column is NULL in a BEFORE trigger's NEW: the version trigger (020) must name
-- it, or every UPDATE of a lot, even one changing nothing, would move its version.
DROP TRIGGER IF EXISTS zoning_lots_version ON zoning_lots;
CREATE TRIGGER zoning_lots_version BEFORE UPDATE ON zoning_lots FOR EACH ROW EXECUTE FUNCTION bump_row_version('area_m2');
