-- CreateTable
CREATE TABLE "UsageDay" (
    "tenantId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "outcome" "UsageOutcome" NOT NULL,
    "count" INTEGER NOT NULL,
    "costCents" BIGINT NOT NULL DEFAULT 0,
    "tokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageDay_pkey" PRIMARY KEY ("tenantId","bucket","keyId","outcome")
);

-- CreateTable
CREATE TABLE "UsageTenantMinute" (
    "tenantId" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "outcome" "UsageOutcome" NOT NULL,
    "count" INTEGER NOT NULL,
    "costCents" BIGINT NOT NULL DEFAULT 0,
    "tokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageTenantMinute_pkey" PRIMARY KEY ("tenantId","bucket","outcome")
);

-- CreateTable
CREATE TABLE "UsageTenantHour" (
    "tenantId" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "outcome" "UsageOutcome" NOT NULL,
    "count" INTEGER NOT NULL,
    "costCents" BIGINT NOT NULL DEFAULT 0,
    "tokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageTenantHour_pkey" PRIMARY KEY ("tenantId","bucket","outcome")
);

-- CreateTable
CREATE TABLE "UsageTenantDay" (
    "tenantId" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "outcome" "UsageOutcome" NOT NULL,
    "count" INTEGER NOT NULL,
    "costCents" BIGINT NOT NULL DEFAULT 0,
    "tokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageTenantDay_pkey" PRIMARY KEY ("tenantId","bucket","outcome")
);

-- CreateTable
CREATE TABLE "UsageClientIp" (
    "tenantId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "firstSeen" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "UsageClientIp_pkey" PRIMARY KEY ("tenantId","keyId","ip")
);

-- CreateIndex
CREATE INDEX "UsageDay_keyId_bucket_idx" ON "UsageDay"("keyId", "bucket");

-- CreateIndex
CREATE INDEX "UsageClientIp_tenantId_firstSeen_idx" ON "UsageClientIp"("tenantId", "firstSeen");

-- CreateIndex
CREATE INDEX "UsageClientIp_tenantId_lastSeen_idx" ON "UsageClientIp"("tenantId", "lastSeen");

