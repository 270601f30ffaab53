-- A revoked growing area is final, but its plots are not: the farmers apply again with a new dossier
-- (the revoke dialog says so), and a new draft must be able to take them. Until now a plot's only
-- link to an area was plots.growing_area_id, and an area's shape, area and plot list were read live
-- from its plots (refresh_growing_area, migration 004): a plot moved out of a revoked area would have
-- taken the revoked area's shape off the map and its plot off its card. A superseded version lost
-- them already, at its re-issue (its plots move to the new version).
--
-- So a version that closes (revoked, or superseded by a re-issue) keeps a record of its member plots
-- as they were at that moment: id, farmer, crop, variety, area and outline. From then on that record,
-- not the live plots, is the version's membership: its geometry and area (refresh_growing_area), its
-- plot count and its plot list. Revoked and superseded are final statuses, so the record never
-- changes again. A closed version with no record (closed with no plots, or loaded by the seed before
-- closing it, see close_growing_area) is read live, as before.
CREATE TABLE growing_area_closed_plots (
  growing_area_id bigint NOT NULL REFERENCES growing_areas (id) ON DELETE CASCADE,
  plot_id bigint NOT NULL,               -- no foreign key: the record outlives a deleted plot
  farmer_id bigint,
  crop text NOT NULL,
  variety text,
  area_m2 double precision NOT NULL,
  geom geometry(Polygon, 4326) NOT NULL,
  PRIMARY KEY (growing_area_id, plot_id)
);
CREATE INDEX growing_area_closed_plots_plot_idx ON growing_area_closed_plots (plot_id);

-- Records the member plots of area $1 as they are now; called in the transaction that closes it,
-- before any plot leaves. Idempotent (a second call adds nothing). Answers the rows recorded.
CREATE OR REPLACE FUNCTION close_growing_area(area_id bigint) RETURNS integer
LANGUAGE sql AS $$
  WITH recorded AS (
    INSERT INTO growing_area_closed_plots (growing_area_id, plot_id, farmer_id, crop, variety, area_m2, geom)
    SELECT area_id, p.id, p.farmer_id, p.crop, p.variety, p.area_m2, p.geom FROM plots p WHERE p.growing_area_id = area_id
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int FROM recorded
$$;

-- The member plots of area $1: its closing record when it has one, else the plots that name it now.
CREATE OR REPLACE FUNCTION growing_area_members(area_id bigint)
RETURNS TABLE (plot_id bigint, farmer_id bigint, crop text, variety text, area_m2 double precision, geom geometry)
LANGUAGE sql STABLE AS $$
  SELECT c.plot_id, c.farmer_id, c.crop, c.variety, c.area_m2, c.geom
  FROM growing_area_closed_plots c WHERE c.growing_area_id = area_id
  UNION ALL
  SELECT p.id, p.farmer_id, p.crop, p.variety, p.area_m2, p.geom
  FROM plots p
  WHERE p.growing_area_id = area_id
    AND NOT EXISTS (SELECT 1 FROM growing_area_closed_plots c WHERE c.growing_area_id = area_id)
$$;

-- As in migration 004, over the members above: a closed version keeps the shape and area it had.
CREATE OR REPLACE FUNCTION refresh_growing_area(area_id bigint) RETURNS void
LANGUAGE sql AS $$
  UPDATE growing_areas g SET
    geom = s.geom,
    area_m2 = coalesce(s.area, 0)
  FROM (
    SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(m.geom)), 3)) AS geom, sum(m.area_m2) AS area
    FROM growing_area_members(area_id) m
  ) s
  WHERE g.id = area_id
    AND (g.geom IS DISTINCT FROM s.geom OR g.area_m2 IS DISTINCT FROM coalesce(s.area, 0))
$$;

-- Revoked versions already stored still hold their plots (none could leave): record them. A
-- superseded version stored before this migration handed its plots on at its re-issue; what it had
-- is not written anywhere, so it keeps no record (and reads as before: no plots).
SELECT close_growing_area(id) FROM growing_areas WHERE status = 'revoked';
