-- CreateTable
CREATE TABLE "UsageKeyDay" (
    "tenantId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "requests" INTEGER NOT NULL,
    "denials" INTEGER NOT NULL,
    "costCents" BIGINT NOT NULL DEFAULT 0,
    "tokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageKeyDay_pkey" PRIMARY KEY ("tenantId","bucket","keyId")
);

-- CreateIndex
CREATE INDEX "UsageKeyDay_keyId_bucket_idx" ON "UsageKeyDay"("keyId", "bucket");


-- Existing usage: the per-key day totals are UsageDay summed over its outcomes, the same
-- definitions the usage flush writes them with. An instance still running the previous
-- version while this runs keeps writing UsageDay only; what it flushes after this point
-- is missing here, so stop the old instances before starting a new one (as for every
-- migration that adds a rollup).
INSERT INTO "UsageKeyDay" ("tenantId", "keyId", "bucket", "requests", "denials", "costCents", "tokens")
SELECT "tenantId", "keyId", "bucket",
  COALESCE(sum("count") FILTER (WHERE "outcome" <> 'REPORTED'), 0),
  COALESCE(sum("count") FILTER (WHERE "outcome" NOT IN ('VALID', 'REPORTED')), 0),
  sum("costCents"), sum("tokens")
FROM "UsageDay"
GROUP BY 1, 2, 3
ORDER BY 3;

-- Statistics now, so the first chart queries are planned for the rows just written.
ANALYZE "UsageKeyDay";
