-- Users and roles, sessions, and the edit log that every change to a layer writes, whether it
-- came through the API, an import or direct SQL (the trigger below sees them all).

CREATE TABLE users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  password_hash text NOT NULL,           -- argon2id PHC string
  role text NOT NULL CHECK (role IN ('admin', 'planner', 'officer', 'farmer')),
  display_name text NOT NULL,
  farmer_id bigint REFERENCES farmers (id) ON DELETE SET NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'farmer' OR farmer_id IS NOT NULL)
);

-- Communes (today's codes) an officer works in.
CREATE TABLE user_communes (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  commune_code text NOT NULL,
  PRIMARY KEY (user_id, commune_code)
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,           -- sha256 of the token; the token itself is never stored
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
  csrf_token text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Every change to a tracked table: before and after (geometry as GeoJSON), who, when, from where.
CREATE TABLE edit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id bigint,
  origin text NOT NULL DEFAULT 'sql',    -- 'api', 'import', 'restore', 'sql', 'seed'
  collection text NOT NULL,              -- table name
  feature_id text NOT NULL,
  action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  before jsonb,
  after jsonb,
  bounds geometry(Geometry, 4326)        -- extent of the old and new geometry
);
CREATE INDEX edit_log_feature_idx ON edit_log (collection, feature_id, id);
CREATE INDEX edit_log_at_idx ON edit_log (at);

-- Who saw a farmer's personal data, and why.
CREATE TABLE access_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id bigint NOT NULL,
  subject text NOT NULL,                 -- 'farmer:12', 'parcel_owner:33'
  purpose text
);

-- Bumped by every change; tile URLs carry it so clients refetch after an edit.
CREATE SEQUENCE data_version_seq;

-- Sends one notification on channel 'tile_changes' after commit with the table and the boxes
-- [minx, miny, maxx, maxy] that changed; every server process drops the cached tiles they cover.
CREATE OR REPLACE FUNCTION notify_tile_change(tbl text, boxes geometry[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v bigint := nextval('data_version_seq');
  arr jsonb := '[]';
  b geometry;
BEGIN
  FOREACH b IN ARRAY boxes LOOP
    IF b IS NOT NULL AND NOT ST_IsEmpty(b) THEN
      arr := arr || jsonb_build_array(jsonb_build_array(ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)));
    END IF;
  END LOOP;
  PERFORM pg_notify('tile_changes', jsonb_build_object('table', tbl, 'version', v, 'boxes', arr)::text);
  RETURN v;
END $$;

-- Row trigger for tables with a geom column. Skipped when app.bulk = 'on' (seed, large imports),
-- whose callers log and notify once for the whole batch.
CREATE OR REPLACE FUNCTION track_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  before_doc jsonb;
  after_doc jsonb;
  old_box geometry;
  new_box geometry;
  fid text;
BEGIN
  IF current_setting('app.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN
    before_doc := to_jsonb(OLD) - 'geom' || jsonb_build_object('geom', ST_AsGeoJSON(OLD.geom, 9)::jsonb);
    old_box := ST_Envelope(OLD.geom);
    fid := OLD.id::text;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    after_doc := to_jsonb(NEW) - 'geom' || jsonb_build_object('geom', ST_AsGeoJSON(NEW.geom, 9)::jsonb);
    new_box := ST_Envelope(NEW.geom);
    fid := NEW.id::text;
  END IF;
  IF TG_OP = 'UPDATE' AND before_doc = after_doc THEN RETURN NULL; END IF;
  INSERT INTO edit_log (user_id, origin, collection, feature_id, action, before, after, bounds)
  VALUES (
    nullif(current_setting('app.user_id', true), '')::bigint,
    coalesce(nullif(current_setting('app.origin', true), ''), 'sql'),
    TG_TABLE_NAME, fid, lower(TG_OP), before_doc, after_doc,
    ST_Envelope(ST_Collect(old_box, new_box)));
  PERFORM notify_tile_change(TG_TABLE_NAME, ARRAY[old_box, new_box]);
  RETURN NULL;
END $$;

-- The same for tables without geometry (farmers and their private data): logged, nothing to re-tile.
CREATE OR REPLACE FUNCTION track_change_plain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  before_doc jsonb;
  after_doc jsonb;
BEGIN
  IF current_setting('app.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN before_doc := to_jsonb(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN after_doc := to_jsonb(NEW); END IF;
  IF TG_OP = 'UPDATE' AND before_doc = after_doc THEN RETURN NULL; END IF;
  INSERT INTO edit_log (user_id, origin, collection, feature_id, action, before, after)
  VALUES (
    nullif(current_setting('app.user_id', true), '')::bigint,
    coalesce(nullif(current_setting('app.origin', true), ''), 'sql'),
    TG_TABLE_NAME, coalesce(after_doc, before_doc) ->> (CASE WHEN TG_TABLE_NAME = 'farmer_private' THEN 'farmer_id' ELSE 'id' END),
    lower(TG_OP), before_doc, after_doc);
  RETURN NULL;
END $$;

CREATE TRIGGER parcels_track AFTER INSERT OR UPDATE OR DELETE ON parcels FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER landuse_areas_track AFTER INSERT OR UPDATE OR DELETE ON landuse_areas FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER zoning_lots_track AFTER INSERT OR UPDATE OR DELETE ON zoning_lots FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER products_track AFTER INSERT OR UPDATE OR DELETE ON products FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER growing_areas_track AFTER INSERT OR UPDATE OR DELETE ON growing_areas FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER plots_track AFTER INSERT OR UPDATE OR DELETE ON plots FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER admin_units_track AFTER INSERT OR UPDATE OR DELETE ON admin_units FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER roads_track AFTER INSERT OR UPDATE OR DELETE ON roads FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER water_track AFTER INSERT OR UPDATE OR DELETE ON water FOR EACH ROW EXECUTE FUNCTION track_change();
CREATE TRIGGER farmers_track AFTER INSERT OR UPDATE OR DELETE ON farmers FOR EACH ROW EXECUTE FUNCTION track_change_plain();
CREATE TRIGGER farmer_private_track AFTER INSERT OR UPDATE OR DELETE ON farmer_private FOR EACH ROW EXECUTE FUNCTION track_change_plain();
