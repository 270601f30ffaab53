-- Core: extensions, helper functions, administrative units with validity dates and lineage,
-- land-use codes as data. Every geometry is EPSG:4326, typed, valid and GiST-indexed.
CREATE EXTENSION IF NOT EXISTS postgis;

-- Folds Vietnamese text for case- and accent-insensitive matching ("Tân Thuận Tây" = "tan thuan tay").
-- A plain translate() so it is IMMUTABLE (usable in indexes) and needs no unaccent extension.
CREATE OR REPLACE FUNCTION vn_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT lower(translate(normalize(t, NFC),
    'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ',
    'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydAAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD'))
$$;

-- Administrative units. A code can be reused (29869 meant Phường 2, then Phường 1, now Phường
-- Cao Lãnh), so a unit is (code, valid_from); records store the code and the date they refer to.
CREATE TABLE admin_units (
  id serial PRIMARY KEY,
  code text NOT NULL,
  name text NOT NULL,
  level text NOT NULL CHECK (level IN ('province', 'district', 'city', 'ward', 'commune', 'town', 'hamlet')),
  parent_id integer REFERENCES admin_units (id),
  valid_from date NOT NULL,
  valid_to date,
  geom geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))),
  UNIQUE (code, valid_from),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX admin_units_geom_idx ON admin_units USING gist (geom);
CREATE INDEX admin_units_name_idx ON admin_units (vn_fold(name));

-- Old → new unit, full (the whole old unit went in) or partial (split between several).
CREATE TABLE admin_lineage (
  old_id integer NOT NULL REFERENCES admin_units (id),
  new_id integer NOT NULL REFERENCES admin_units (id),
  kind text NOT NULL CHECK (kind IN ('full', 'partial')),
  effective date NOT NULL,
  legal_basis text,
  PRIMARY KEY (old_id, new_id),
  CHECK (old_id <> new_id)
);

-- Today's units that an old unit became, following the lineage through every reorganisation.
CREATE OR REPLACE FUNCTION admin_current_units(start_id integer)
RETURNS TABLE (id integer, code text, name text, level text)
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE walk(id, depth) AS (
    SELECT start_id, 0
    UNION
    SELECT l.new_id, w.depth + 1 FROM walk w JOIN admin_lineage l ON l.old_id = w.id WHERE w.depth < 20
  )
  SELECT DISTINCT u.id, u.code, u.name, u.level
  FROM walk w JOIN admin_units u ON u.id = w.id
  WHERE u.valid_to IS NULL OR u.valid_to > current_date
$$;

-- Land-use codes of Land Law 2024 / Circular 08/2024 and the legacy codes still on old
-- certificates, with names, parent group, legacy → current mapping and the map fill: data, not code.
CREATE TABLE land_use_codes (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,4}$'),
  name_vi text NOT NULL,
  name_en text NOT NULL,
  group_code text REFERENCES land_use_codes (code),
  fill text CHECK (fill IS NULL OR fill ~ '^#[0-9A-F]{6}$'),
  legacy boolean NOT NULL DEFAULT false,
  maps_to text REFERENCES land_use_codes (code),
  valid_from date NOT NULL DEFAULT '2024-08-01',
  valid_to date,
  sort_order integer NOT NULL DEFAULT 0,
  note text,
  CHECK (NOT legacy OR maps_to IS NOT NULL OR note IS NOT NULL)
);

-- The fill for a code: its own, else its current code's, else the nearest group's.
CREATE OR REPLACE FUNCTION land_use_fill(c text) RETURNS text
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up(code, fill, depth) AS (
    SELECT code, fill, 0 FROM land_use_codes WHERE code = c
    UNION ALL
    SELECT l.code, l.fill, up.depth + 1
    FROM up JOIN land_use_codes cur ON cur.code = up.code
    JOIN land_use_codes l ON l.code = coalesce(cur.maps_to, cur.group_code)
    WHERE up.fill IS NULL AND up.depth < 6
  )
  SELECT fill FROM up WHERE fill IS NOT NULL ORDER BY depth LIMIT 1
$$;
