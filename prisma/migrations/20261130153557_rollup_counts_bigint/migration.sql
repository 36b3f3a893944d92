-- Rollup event counts become BIGINT, like costCents and tokens beside them. A 4-byte
-- count overflows at volumes Keyplane is built for, and an overflow fails the whole
-- usage flush (one transaction): the batch is retried, fails again, and usage piles up
-- in the buffer until the oldest events are dropped. Where each count would overflow:
--   UsageDay, UsageTenantDay, UsageKeyDay: one key or tenant averaging 24.9k events/s
--     over a UTC day (about one instance's sustained ingest rate);
--   UsageClientIp: cumulative per (key, client IP) over its whole retention (90 days by
--     default), so one backend calling 280 times a second from one address;
--   UsageHour, UsageTenantHour: 597k events/s for an hour. One instance cannot ingest
--     that, but the tenant-wide row is shared by every instance of a deployment;
--   UsageMinute, UsageTenantMinute: 35.8M events/s, which nothing reaches. They change
--     too, so every count column has one type: the same reader code serves every rollup
--     (the charts pick minute, hour or day by range) and gets the same value types back.
--
-- Each ALTER rewrites its table and indexes under an ACCESS EXCLUSIVE lock, so flushes
-- and chart reads wait until this commits. The tables are altered in the order the usage
-- flush writes them (lib/usage/flush-sql.ts), so a flush of an instance still running
-- cannot deadlock with this migration: both lock the tables in the same order.

-- AlterTable
ALTER TABLE "UsageClientIp" ALTER COLUMN "count" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "UsageMinute" ALTER COLUMN "count" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "UsageTenantMinute" ALTER COLUMN "count" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "UsageHour" ALTER COLUMN "count" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "UsageTenantHour" ALTER COLUMN "count" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "UsageDay" ALTER COLUMN "count" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "UsageTenantDay" ALTER COLUMN "count" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "UsageKeyDay" ALTER COLUMN "requests" SET DATA TYPE BIGINT,
ALTER COLUMN "denials" SET DATA TYPE BIGINT;
