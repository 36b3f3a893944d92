-- Usage events PostgreSQL refused to store (a character text cannot hold, a value out of
-- range) are set aside here by the usage writer instead of blocking every later batch
-- (lib/usage/quarantine.ts). The event is kept as the bytes of its JSON text, which
-- PostgreSQL cannot refuse; no foreign keys, so an event of a deleted tenant is kept too.
-- A new, empty table: nothing is rewritten or locked.

-- CreateTable
CREATE TABLE "UsageQuarantine" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "keyId" TEXT,
    "eventTime" TIMESTAMP(3),
    "quarantinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "field" TEXT,
    "error" TEXT NOT NULL,
    "event" BYTEA NOT NULL,

    CONSTRAINT "UsageQuarantine_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageQuarantine_tenantId_quarantinedAt_idx" ON "UsageQuarantine"("tenantId", "quarantinedAt");


-- CreateIndex
CREATE INDEX "UsageQuarantine_quarantinedAt_idx" ON "UsageQuarantine"("quarantinedAt");
