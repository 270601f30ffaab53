-- Cadastral links of plots kept current whoever edits them (features API, registry, SQL): which
-- parcels a plot covers and the geodesic m² and % of the plot in each. Bulk loads (app.bulk = 'on':
-- seed, large imports) skip the triggers and call link_plot_parcels() themselves.

-- Recomputes the links of one plot. A geometry the intersection cannot handle leaves the plot
-- without links (and a warning) rather than refusing the plot itself.
CREATE OR REPLACE FUNCTION link_plot_parcels(pid bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM plot_parcels WHERE plot_id = pid;
  BEGIN
    INSERT INTO plot_parcels (plot_id, parcel_id, share_m2, share_pct)
    SELECT p.id, pa.id, s.m2, 100 * s.m2 / nullif(p.area_m2, 0)
    FROM plots p
    JOIN parcels pa ON pa.geom && p.geom AND ST_Intersects(pa.geom, p.geom)
    CROSS JOIN LATERAL (SELECT ST_Area(ST_CollectionExtract(ST_Intersection(pa.geom, p.geom), 3)::geography) AS m2) s
    WHERE p.id = pid AND s.m2 > 0.01;
  EXCEPTION WHEN others THEN
    RAISE WARNING 'plot %: cadastral links not computed (%)', pid, SQLERRM;
  END;
END $$;

CREATE OR REPLACE FUNCTION plots_link_parcels() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('app.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' OR NOT ST_Equals(NEW.geom, OLD.geom) THEN
    PERFORM link_plot_parcels(NEW.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER plots_link_parcels AFTER INSERT OR UPDATE OF geom ON plots
  FOR EACH ROW EXECUTE FUNCTION plots_link_parcels();

-- A parcel drawn or redrawn changes the links of the plots under its old and new outline.
CREATE OR REPLACE FUNCTION parcels_relink_plots() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  pid bigint;
BEGIN
  IF current_setting('app.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'UPDATE' AND ST_Equals(NEW.geom, OLD.geom) THEN RETURN NULL; END IF;
  FOR pid IN SELECT p.id FROM plots p WHERE p.geom && NEW.geom AND ST_Intersects(p.geom, NEW.geom) LOOP
    PERFORM link_plot_parcels(pid);
  END LOOP;
  IF TG_OP = 'UPDATE' THEN
    FOR pid IN
      SELECT p.id FROM plots p
      WHERE p.geom && OLD.geom AND ST_Intersects(p.geom, OLD.geom) AND NOT ST_Intersects(p.geom, NEW.geom)
    LOOP
      PERFORM link_plot_parcels(pid);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER parcels_relink_plots AFTER INSERT OR UPDATE OF geom ON parcels
  FOR EACH ROW EXECUTE FUNCTION parcels_relink_plots();
