-- A product's source key (a survey's row number: OBJECTID, FID, STT) is unique within its commune,
-- as plots' are since 025: every commune's survey of its producers numbers them from 1, so commune A's
-- product 5 and commune B's product 5 are two products. The importer matches a row to a stored product
-- by (commune_code, source_key) and upserts on this index. Every pair the old index allowed is allowed
-- here too (a key unique in the province is unique in its commune), so creating it cannot fail.
-- Land-use areas keep (map_id, source_key) (007): they carry no commune, and a land-use map is one
-- survey numbered once, so the map already scopes their keys.
CREATE UNIQUE INDEX IF NOT EXISTS products_commune_source_key_idx ON products (commune_code, source_key) WHERE source_key IS NOT NULL;
DROP INDEX IF EXISTS products_source_key_idx;
