-- Map layers: cadastral parcels, land-use maps, urban planning, basemap (roads, water).
-- Areal features are MultiPolygon in EPSG:4326; validity is a constraint, not a hope.

-- Cadastral parcels, keyed by the OLD commune code (sheets are numbered per old commune, so
-- after the 2025 merger several old communes inside Phường Cao Lãnh each have a sheet 1).
CREATE TABLE parcels (
  id bigserial PRIMARY KEY,
  commune_code text NOT NULL,            -- old commune code the sheet belongs to, e.g. '29890'
  commune_ref_date date NOT NULL,        -- the date that code refers to
  sheet integer NOT NULL CHECK (sheet > 0),        -- tờ bản đồ số (current map)
  parcel_no integer NOT NULL CHECK (parcel_no > 0), -- thửa đất số (current map)
  cert_sheet text,                       -- as printed on the certificate, may differ
  cert_parcel text,
  land_use_code text NOT NULL REFERENCES land_use_codes (code),
  legal_area_m2 numeric(12, 1) CHECK (legal_area_m2 IS NULL OR legal_area_m2 > 0),
  address text,
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commune_code, sheet, parcel_no)
);
CREATE INDEX parcels_geom_idx ON parcels USING gist (geom);
CREATE INDEX parcels_address_idx ON parcels (vn_fold(address));

-- Owners are personal data: kept apart so that no public query can select them by accident.
CREATE TABLE parcel_owners (
  parcel_id bigint NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
  owner_name text NOT NULL,
  citizen_id text,
  owner_address text,
  share text,
  PRIMARY KEY (parcel_id, owner_name)
);
CREATE INDEX parcel_owners_name_idx ON parcel_owners (vn_fold(owner_name));

-- Land-use maps: the status map (hiện trạng) of a year and the plan (quy hoạch) of a period.
CREATE TABLE landuse_maps (
  id serial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('status', 'plan')),
  name text NOT NULL,
  year integer NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  period_to integer CHECK (period_to IS NULL OR period_to >= year),
  decision_no text,
  decision_date date,
  admin_code text NOT NULL
);

CREATE TABLE landuse_areas (
  id bigserial PRIMARY KEY,
  map_id integer NOT NULL REFERENCES landuse_maps (id) ON DELETE CASCADE,
  land_use_code text NOT NULL REFERENCES land_use_codes (code),
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX landuse_areas_geom_idx ON landuse_areas USING gist (geom);

-- Urban planning: a plan (zoning 1/2000 or detailed 1/500) with its approving decision.
CREATE TABLE planning_plans (
  id serial PRIMARY KEY,
  name text NOT NULL,
  scale text NOT NULL CHECK (scale IN ('1/5000', '1/2000', '1/500')),
  plan_code text,                        -- maHoSoQH of Circular 16/2025
  decision_no text NOT NULL,
  decision_date date NOT NULL,
  authority text NOT NULL,
  status text NOT NULL DEFAULT 'approved' CHECK (status IN ('draft', 'approved', 'superseded')),
  admin_code text NOT NULL
);

-- A zoning lot (ô đất) and its controls.
CREATE TABLE zoning_lots (
  id bigserial PRIMARY KEY,
  plan_id integer NOT NULL REFERENCES planning_plans (id) ON DELETE CASCADE,
  lot_code text NOT NULL,                -- e.g. 'ODT-01'
  info_code text CHECK (info_code IS NULL OR info_code ~ '^[0-9]{12}$'), -- maThongTinQH
  function text NOT NULL,                -- land function, Vietnamese
  land_use_code text REFERENCES land_use_codes (code),
  max_density_pct numeric(5, 1) CHECK (max_density_pct IS NULL OR max_density_pct BETWEEN 0 AND 100),
  max_far numeric(5, 2) CHECK (max_far IS NULL OR max_far >= 0),
  min_floors integer CHECK (min_floors IS NULL OR min_floors >= 0),
  max_floors integer CHECK (max_floors IS NULL OR max_floors >= 0),
  max_height_m numeric(6, 1) CHECK (max_height_m IS NULL OR max_height_m >= 0),
  setback_m numeric(5, 1),
  phase text NOT NULL DEFAULT 'existing' CHECK (phase IN ('existing', 'first_phase', 'long_term')),
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (plan_id, lot_code),
  CHECK (min_floors IS NULL OR max_floors IS NULL OR min_floors <= max_floors)
);
CREATE INDEX zoning_lots_geom_idx ON zoning_lots USING gist (geom);

-- Basemap, so the map works on a closed network.
CREATE TABLE roads (
  id bigserial PRIMARY KEY,
  name text,
  kind text NOT NULL CHECK (kind IN ('national', 'provincial', 'urban', 'rural', 'path')),
  geom geometry(MultiLineString, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX roads_geom_idx ON roads USING gist (geom);

CREATE TABLE water (
  id bigserial PRIMARY KEY,
  name text,
  kind text NOT NULL CHECK (kind IN ('river', 'canal', 'pond', 'lake')),
  geom geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX water_geom_idx ON water USING gist (geom);
