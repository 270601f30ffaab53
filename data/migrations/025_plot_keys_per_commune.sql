-- A plot's source key (the surveyor's plot number: OBJECTID, SoThua, MaThua) is unique within its
-- commune, not across the province: every survey numbers its plots from 1, so commune A's plot 5 and
-- commune B's plot 5 are two plots. The importer matches a row to a stored plot by (commune_code,
-- source_key) and upserts on this index. Every pair the old index allowed is allowed here too
-- (a key unique in the province is unique in its commune), so creating it cannot fail.
CREATE UNIQUE INDEX IF NOT EXISTS plots_commune_source_key_idx ON plots (commune_code, source_key) WHERE source_key IS NOT NULL;
DROP INDEX IF EXISTS plots_source_key_idx;
