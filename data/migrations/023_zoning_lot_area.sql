-- A zoning lot's area, geodesic in m², kept with its outline (as a plot's is): with the lot's
-- maximum FAR it gives the floor area the plan allows there, the planner's first question.
ALTER TABLE zoning_lots ADD COLUMN area_m2 double precision GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED;
