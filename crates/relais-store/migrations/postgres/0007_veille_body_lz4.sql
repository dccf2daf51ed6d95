-- Item bodies (1-3 KB of text, past the 2 KB where PostgreSQL compresses a
-- value) are compressed with lz4 instead of pglz: a feed burst is stored
-- about a sixth faster (bench/README.md, "Pages of 8 KiB, and lz4 on
-- PostgreSQL").
-- Values stored before keep pglz until rewritten; both read back the same.
-- A server built without lz4 (or before PostgreSQL 14) keeps pglz: said once
-- as a notice, nothing fails.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE veille_items ALTER COLUMN body SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'relais: this PostgreSQL has no lz4; veille item bodies stay compressed with pglz';
END
$$;
