import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { DAY_MS, type UsageRetention, usageRetention } from "./range";

/**
 * Usage retention: deletes raw events, client IPs and rollups older than their limits
 * (KEYPLANE_USAGE_*_DAYS, see range.ts and the README). It runs inside the app: once
 * shortly after start and then every KEYPLANE_USAGE_RETENTION_INTERVAL_MINUTES.
 *
 * - Bounded: rows go in chunks of CHUNK_ROWS, one short statement (and transaction) each,
 *   per tenant through the ("tenantId", time) indexes, so no statement holds locks for
 *   long or rewrites a large table at once, and usage flushes interleave with it.
 * - One instance at a time: on PostgreSQL a run holds a transaction-level advisory lock
 *   (pg_try_advisory_xact_lock) in a transaction of its own for its whole duration; an
 *   instance that cannot take it skips the run. The embedded database (PGlite) belongs to
 *   one process, so there it runs without the lock.
 * - Never in the verify path: it only runs from its timer, and its statements touch
 *   usage tables, never the key records the verify path reads.
 */

export const CHUNK_ROWS = 5_000;
/** An arbitrary constant shared by every instance: "usage retention" in the lock space. */
const LOCK_KEY = 7_203_114_554;
const START_DELAY_MS = 15_000;
const MAX_RUN_MS = 30 * 60_000;

type Target = {
  table: string;
  column: string;
  days: (r: UsageRetention) => number;
  /** Not per tenant: rows may name a tenant that no longer exists. */
  allTenants?: boolean;
};

const TARGETS: Target[] = [
  { table: "UsageEvent", column: "time", days: (r) => r.eventsDays },
  // A batch row goes when its newest event is past the cutoff; its older events may
  // outlive the cutoff by the batch's span (a flush interval, about a second).
  { table: "UsageEventBatch", column: "last", days: (r) => r.eventsDays },
  { table: "UsageClientIp", column: "lastSeen", days: (r) => r.eventsDays },
  { table: "UsageMinute", column: "bucket", days: (r) => r.minuteDays },
  { table: "UsageTenantMinute", column: "bucket", days: (r) => r.minuteDays },
  { table: "UsageHour", column: "bucket", days: (r) => r.hourDays },
  { table: "UsageTenantHour", column: "bucket", days: (r) => r.hourDays },
  { table: "UsageDay", column: "bucket", days: (r) => r.dayDays },
  { table: "UsageTenantDay", column: "bucket", days: (r) => r.dayDays },
  { table: "UsageKeyDay", column: "bucket", days: (r) => r.dayDays },
  // Events the writer could not store (quarantine.ts): kept as long as raw events.
  {
    table: "UsageQuarantine",
    column: "quarantinedAt",
    days: (r) => r.eventsDays,
    allTenants: true,
  },
];

export type RetentionResult = { deleted: Record<string, number>; ms: number };

async function deleteOlder(target: Target, cutoff: Date, chunk: number): Promise<number> {
  const client = db();
  const tenants = target.allTenants
    ? [{ id: null }]
    : await client.tenant.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  let total = 0;
  for (const { id: tenantId } of tenants) {
    for (;;) {
      const deleted =
        tenantId === null
          ? await client.$executeRawUnsafe(
              `DELETE FROM "${target.table}" WHERE ctid IN (
                 SELECT ctid FROM "${target.table}" WHERE "${target.column}" < $1::timestamp(3) LIMIT ${chunk})`,
              cutoff.toISOString(),
            )
          : await client.$executeRawUnsafe(
              `DELETE FROM "${target.table}" WHERE ctid IN (
                 SELECT ctid FROM "${target.table}"
                 WHERE "tenantId" = $1 AND "${target.column}" < $2::timestamp(3) LIMIT ${chunk})`,
              tenantId,
              cutoff.toISOString(),
            );
      total += deleted;
      if (deleted < chunk) break;
      // Let other work on this process run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return total;
}

async function deleteAll(
  now: number,
  retention: UsageRetention,
  chunk: number,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const target of TARGETS) {
    const cutoff = new Date(now - target.days(retention) * DAY_MS);
    deleted[target.table] = await deleteOlder(target, cutoff, chunk);
  }
  return deleted;
}

/**
 * One retention run. Returns what it deleted per table, or null when another instance
 * holds the lock (that instance does the work).
 */
export async function runUsageRetention(
  options: { now?: number; retention?: UsageRetention; chunkRows?: number; lock?: boolean } = {},
): Promise<RetentionResult | null> {
  const started = Date.now();
  const now = options.now ?? started;
  const retention = options.retention ?? usageRetention();
  const chunk = Math.max(1, Math.trunc(options.chunkRows ?? CHUNK_ROWS));
  const lock = options.lock ?? Boolean(env().DATABASE_URL);
  if (!lock) {
    return { deleted: await deleteAll(now, retention, chunk), ms: Date.now() - started };
  }
  // The transaction only holds the lock; the deletes run (and commit) on other
  // connections, chunk by chunk. Between its statements a READ COMMITTED transaction
  // holds no snapshot, so it does not hold back vacuum either.
  return db().$transaction(
    async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS "locked"`,
      );
      if (!row?.locked) return null;
      return { deleted: await deleteAll(now, retention, chunk), ms: Date.now() - started };
    },
    { timeout: MAX_RUN_MS, maxWait: 10_000 },
  );
}

type JobState = { timer: NodeJS.Timeout | null; running: boolean };
const scope = globalThis as { __keyplaneUsageRetention?: JobState };
scope.__keyplaneUsageRetention ??= { timer: null, running: false };
const job: JobState = scope.__keyplaneUsageRetention;

async function tick(): Promise<void> {
  if (job.running) return;
  job.running = true;
  try {
    const result = await runUsageRetention();
    if (result) {
      const total = Object.values(result.deleted).reduce((a, b) => a + b, 0);
      if (total > 0) {
        console.log(
          `[usage] retention deleted ${total} rows in ${result.ms} ms (${Object.entries(
            result.deleted,
          )
            .filter(([, n]) => n > 0)
            .map(([t, n]) => `${t} ${n}`)
            .join(", ")})`,
        );
      }
    }
  } catch (error) {
    console.error("[usage] retention run failed:", error instanceof Error ? error.message : error);
  } finally {
    job.running = false;
  }
}

/**
 * Starts the retention job for this process; idempotent. Called from instrumentation.ts.
 * The first run waits a few seconds so it never competes with start-up.
 */
export function startUsageRetention(): void {
  const minutes = env().KEYPLANE_USAGE_RETENTION_INTERVAL_MINUTES;
  if (job.timer || minutes === 0) return;
  job.timer = setTimeout(() => {
    void tick();
    job.timer = setInterval(() => void tick(), minutes * 60_000);
    job.timer.unref();
  }, START_DELAY_MS);
  job.timer.unref();
}

/** Tests and shutdown. */
export function stopUsageRetention(): void {
  if (job.timer) {
    clearTimeout(job.timer);
    clearInterval(job.timer);
  }
  job.timer = null;
}
