-- The GIN indexes on ApiKey (tags, scopes, and the name trigrams where pg_trgm exists)
-- are read by every filtered key list and written only when keys are created or edited.
-- With GIN's default fastupdate, new entries wait in a pending list that every lookup
-- scans until VACUUM merges it: after 100k inserts, a tag lookup that finds nothing took
-- 5 ms instead of 0.05 ms. Writing entries straight into the index costs a little more
-- per key created, which is the rare operation here.
ALTER INDEX "ApiKey_tags_idx" SET (fastupdate = off);
ALTER INDEX "ApiKey_scopes_idx" SET (fastupdate = off);
ALTER INDEX IF EXISTS "ApiKey_name_trgm_idx" SET (fastupdate = off);
-- Entries already pending stay there until merged; merge them now.
DO $$
BEGIN
  PERFORM gin_clean_pending_list('"ApiKey_tags_idx"'::regclass);
  PERFORM gin_clean_pending_list('"ApiKey_scopes_idx"'::regclass);
  IF to_regclass('"ApiKey_name_trgm_idx"') IS NOT NULL THEN
    PERFORM gin_clean_pending_list('"ApiKey_name_trgm_idx"'::regclass);
  END IF;
END
$$;
