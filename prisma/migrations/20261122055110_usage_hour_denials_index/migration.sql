-- The "denials climbing" signal reads every key's denials of the last 24 hours. Denials
-- are a few per cent of the hourly rollup rows, so a partial index on them lets that
-- query skip the VALID and REPORTED rows (20 ms → 2 ms on 10M events, 1,000 keys).
-- Prisma's schema cannot express a partial index; migrations written by
-- `npm run db:migration` diff the schema files and leave it alone.
CREATE INDEX IF NOT EXISTS "UsageHour_tenantId_bucket_denials_idx" ON "UsageHour" ("tenantId", "bucket")
  WHERE "outcome" NOT IN ('VALID', 'REPORTED');
