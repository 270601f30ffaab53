-- Import keys: re-importing the same file updates rows instead of duplicating them. Parcels
-- (commune, sheet, parcel) and zoning lots (plan, lot code) have natural keys already; plots,
-- products and land-use areas get the key the source gave them (an id column, or a hash of the
-- geometry when the file has none), unique where present.
ALTER TABLE plots ADD COLUMN IF NOT EXISTS source_key text;
CREATE UNIQUE INDEX IF NOT EXISTS plots_source_key_idx ON plots (source_key) WHERE source_key IS NOT NULL;

ALTER TABLE products ADD COLUMN IF NOT EXISTS source_key text;
CREATE UNIQUE INDEX IF NOT EXISTS products_source_key_idx ON products (source_key) WHERE source_key IS NOT NULL;

ALTER TABLE landuse_areas ADD COLUMN IF NOT EXISTS source_key text;
CREATE UNIQUE INDEX IF NOT EXISTS landuse_areas_source_key_idx ON landuse_areas (map_id, source_key) WHERE source_key IS NOT NULL;
