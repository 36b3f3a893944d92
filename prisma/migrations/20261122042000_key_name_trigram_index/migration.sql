-- Substring search on key names (ILIKE '%…%') cannot use a B-tree index; a trigram
-- index serves it. pg_trgm ships with PostgreSQL's contrib modules; where it is not
-- available (the embedded PGlite build, or a server without contrib) the search still
-- works, by scanning the tenant's keys, so the migration skips the index there rather
-- than failing. Prisma's schema cannot express this index; migrations written by
-- `npm run db:migration` diff the schema files and leave it alone.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX IF NOT EXISTS "ApiKey_name_trgm_idx" ON "ApiKey" USING GIN ("name" gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm is not available (%); key name search runs without a trigram index', SQLERRM;
END
$$;
