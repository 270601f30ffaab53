-- Agriculture: farmers, producers and their products, growing areas (mã số vùng trồng) and
-- their plots, farm diaries, residue tests and inspections (DOMAIN.md, Decision 3156/QĐ-BNN-TT).

-- Public side of a farmer: no name, ID or phone here.
CREATE TABLE farmers (
  id bigserial PRIMARY KEY,
  lookup_code text NOT NULL UNIQUE,      -- printed on the farmer's card; lets a farmer find their plots
  commune_code text NOT NULL,            -- today's commune/ward
  hamlet text,                           -- ấp, e.g. 'Ấp Tân Hậu'
  created_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);

-- Personal data, readable only by the farmer, officers of the commune and administrators.
CREATE TABLE farmer_private (
  farmer_id bigint PRIMARY KEY REFERENCES farmers (id) ON DELETE CASCADE,
  full_name text NOT NULL,
  citizen_id text CHECK (citizen_id IS NULL OR citizen_id ~ '^[0-9]{9}([0-9]{3})?$'),
  phone text,
  address text
);
CREATE INDEX farmer_private_name_idx ON farmer_private (vn_fold(full_name));

-- Agricultural products: a farm or producer (household, cooperative, company) and what it grows.
CREATE TABLE products (
  id bigserial PRIMARY KEY,
  producer_kind text NOT NULL CHECK (producer_kind IN ('household', 'cooperative', 'company')),
  producer_name text,                    -- organisations only; a household's name lives in farmer_private
  farmer_id bigint REFERENCES farmers (id) ON DELETE SET NULL,
  product text NOT NULL,                 -- 'Xoài Cát Chu', 'Lúa', 'Sen'
  category text NOT NULL CHECK (category IN ('fruit', 'rice', 'vegetable', 'aquaculture', 'flower', 'livestock', 'other')),
  season text,                           -- 'Đông Xuân', 'Hè Thu', 'quanh năm'
  volume_tonnes numeric(10, 1) CHECK (volume_tonnes IS NULL OR volume_tonnes >= 0),
  address text,
  commune_code text NOT NULL,
  geom geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (producer_kind = 'household' OR producer_name IS NOT NULL)
);
CREATE INDEX products_geom_idx ON products USING gist (geom);

-- Crop catalogue: the minimum area of a growing area depends on whether the crop is perennial.
CREATE TABLE crops (
  code text PRIMARY KEY,
  name_vi text NOT NULL,
  name_en text NOT NULL,
  crop_type text NOT NULL CHECK (crop_type IN ('perennial', 'annual')),
  min_area_m2 numeric NOT NULL
);
INSERT INTO crops (code, name_vi, name_en, crop_type, min_area_m2) VALUES
  ('mango', 'Xoài', 'Mango', 'perennial', 10000),
  ('longan', 'Nhãn', 'Longan', 'perennial', 10000),
  ('pomelo', 'Bưởi', 'Pomelo', 'perennial', 10000),
  ('durian', 'Sầu riêng', 'Durian', 'perennial', 10000),
  ('coconut', 'Dừa', 'Coconut', 'perennial', 10000),
  ('rice', 'Lúa', 'Rice', 'annual', 1000),
  ('lotus', 'Sen', 'Lotus', 'annual', 1000),
  ('vegetable', 'Rau màu', 'Vegetables', 'annual', 1000),
  ('chili', 'Ớt', 'Chili', 'annual', 1000);

-- A growing area: one or more plots of one crop under one process. The code is an opaque
-- unique string with a scheme; the unit is never derived from it (districts no longer exist).
CREATE TABLE growing_areas (
  id bigserial PRIMARY KEY,
  lineage_id bigint NOT NULL,            -- id of the first version; re-issues share it
  version_no integer NOT NULL DEFAULT 1 CHECK (version_no > 0),
  previous_id bigint REFERENCES growing_areas (id),
  code text,                             -- NULL until issued or approved
  scheme text NOT NULL CHECK (scheme IN ('domestic-3156', 'export-puc', 'export-phc')),
  markets text[] NOT NULL DEFAULT '{}',  -- ISO 3166 codes of target markets, e.g. {CN,US}
  name text NOT NULL,
  crop text NOT NULL REFERENCES crops (code),
  variety text,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN (
    'draft', 'submitted', 'under_inspection', 'inspected_pass', 'inspected_fail',
    'issued', 'forwarded', 'approved', 'active', 'suspended', 'revoked', 'superseded')),
  registrant_kind text NOT NULL DEFAULT 'cooperative' CHECK (registrant_kind IN ('person', 'cooperative', 'company')),
  registrant_name text NOT NULL,         -- an organisation's name is public; a person's is not (see registrant_private)
  registrant_contact text,               -- private
  technical_officer text,
  commune_code text NOT NULL,
  households integer CHECK (households IS NULL OR households >= 0),
  harvests_per_year integer CHECK (harvests_per_year IS NULL OR harvests_per_year BETWEEN 0 AND 12),
  expected_yield_tonnes numeric(10, 1),
  standard text,                         -- VietGAP, GlobalGAP
  certificates text,
  decision_no text,
  issued_on date,
  -- Maintained from member plots by trigger: union of the plots and the sum of their areas.
  geom geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR ST_IsValid(geom)),
  area_m2 double precision NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  created_by bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX growing_areas_code_live_idx ON growing_areas (code) WHERE code IS NOT NULL AND status <> 'superseded';
CREATE UNIQUE INDEX growing_areas_lineage_version_idx ON growing_areas (lineage_id, version_no);
CREATE INDEX growing_areas_geom_idx ON growing_areas USING gist (geom);
CREATE INDEX growing_areas_code_idx ON growing_areas (upper(code));

-- Every lifecycle transition, with who, when, the decision and attachments.
CREATE TABLE growing_area_transitions (
  id bigserial PRIMARY KEY,
  growing_area_id bigint NOT NULL REFERENCES growing_areas (id) ON DELETE CASCADE,
  from_status text NOT NULL,
  to_status text NOT NULL,
  actor_id bigint,
  at timestamptz NOT NULL DEFAULT now(),
  decision_no text,
  note text,
  attachments jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX growing_area_transitions_area_idx ON growing_area_transitions (growing_area_id, at);

-- A production plot of one farmer; area is geodesic.
CREATE TABLE plots (
  id bigserial PRIMARY KEY,
  farmer_id bigint REFERENCES farmers (id) ON DELETE SET NULL,
  growing_area_id bigint REFERENCES growing_areas (id) ON DELETE SET NULL,
  commune_code text NOT NULL,
  crop text NOT NULL REFERENCES crops (code),
  variety text,
  planting_date date,
  expected_harvest date,
  geom geometry(Polygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  area_m2 double precision GENERATED ALWAYS AS (ST_Area(geom::geography)) STORED,
  version integer NOT NULL DEFAULT 1,
  created_by bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (expected_harvest IS NULL OR planting_date IS NULL OR expected_harvest >= planting_date)
);
CREATE INDEX plots_geom_idx ON plots USING gist (geom);
CREATE INDEX plots_area_idx ON plots (growing_area_id);
CREATE INDEX plots_farmer_idx ON plots (farmer_id);

-- Which cadastral parcels a plot covers, and how much of the plot lies in each.
CREATE TABLE plot_parcels (
  plot_id bigint NOT NULL REFERENCES plots (id) ON DELETE CASCADE,
  parcel_id bigint NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
  share_m2 double precision NOT NULL,
  share_pct double precision NOT NULL,
  PRIMARY KEY (plot_id, parcel_id)
);

-- Allowed plant-protection substances per market (data an administrator keeps current).
CREATE TABLE allowed_substances (
  active_ingredient text NOT NULL,
  market text NOT NULL,                  -- 'VN', 'CN', 'US', 'EU', …
  allowed boolean NOT NULL,
  mrl_mg_kg numeric(8, 3),               -- maximum residue limit
  note text,
  PRIMARY KEY (active_ingredient, market)
);

CREATE TABLE diary_entries (
  id bigserial PRIMARY KEY,
  plot_id bigint NOT NULL REFERENCES plots (id) ON DELETE CASCADE,
  applied_on date NOT NULL,
  pesticide text NOT NULL,
  active_ingredient text NOT NULL,
  dose text,
  phi_days integer CHECK (phi_days IS NULL OR phi_days >= 0),  -- pre-harvest interval
  flagged boolean NOT NULL DEFAULT false,
  flag_reason text,
  created_by bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX diary_entries_plot_idx ON diary_entries (plot_id, applied_on);

CREATE TABLE residue_tests (
  id bigserial PRIMARY KEY,
  plot_id bigint NOT NULL REFERENCES plots (id) ON DELETE CASCADE,
  sampled_on date NOT NULL,
  lab text,
  active_ingredient text NOT NULL,
  result_mg_kg numeric(10, 4) NOT NULL CHECK (result_mg_kg >= 0),
  passed boolean NOT NULL
);

CREATE TABLE inspections (
  id bigserial PRIMARY KEY,
  growing_area_id bigint NOT NULL REFERENCES growing_areas (id) ON DELETE CASCADE,
  inspector_id bigint,
  inspected_on date NOT NULL,
  checklist jsonb NOT NULL DEFAULT '[]',  -- [{item, ok, note}]
  conclusion text CHECK (conclusion IS NULL OR conclusion IN ('pass', 'fail')),
  notes text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inspection_photos (
  id bigserial PRIMARY KEY,
  inspection_id bigint NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
  file_path text NOT NULL,
  mime text NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes integer NOT NULL CHECK (bytes > 0 AND bytes <= 10485760),
  taken_at timestamptz,
  geom geometry(Point, 4326) CHECK (geom IS NULL OR ST_IsValid(geom))
);

-- Keep a growing area's geometry and area equal to its member plots', whoever edits them.
CREATE OR REPLACE FUNCTION refresh_growing_area(area_id bigint) RETURNS void
LANGUAGE sql AS $$
  UPDATE growing_areas g SET
    geom = s.geom,
    area_m2 = coalesce(s.area, 0)
  FROM (
    SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(p.geom)), 3)) AS geom, sum(p.area_m2) AS area
    FROM plots p WHERE p.growing_area_id = area_id
  ) s
  WHERE g.id = area_id
    AND (g.geom IS DISTINCT FROM s.geom OR g.area_m2 IS DISTINCT FROM coalesce(s.area, 0))
$$;

CREATE OR REPLACE FUNCTION plots_refresh_growing_area() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('app.bulk', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.growing_area_id IS NOT NULL THEN
    PERFORM refresh_growing_area(OLD.growing_area_id);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.growing_area_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.growing_area_id IS DISTINCT FROM OLD.growing_area_id OR NOT ST_Equals(NEW.geom, OLD.geom)) THEN
    PERFORM refresh_growing_area(NEW.growing_area_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER plots_refresh_growing_area AFTER INSERT OR UPDATE OR DELETE ON plots
  FOR EACH ROW EXECUTE FUNCTION plots_refresh_growing_area();
