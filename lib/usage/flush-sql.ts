import "server-only";
import { db } from "@/lib/db";
import type { UsageEventInput } from "./types";

/**
 * Writes one batch in one transaction: the raw events (multi-row INSERT), the per-minute
 * and per-hour rollups (upserts that add to existing buckets) and `lastUsedAt` of every
 * key in the batch. One transaction keeps the rollups equal to the raw events: either
 * the whole batch lands or none of it does and it is retried.
 */

const EVENT_COLUMNS = 11;
/** PostgreSQL allows 65,535 parameters per statement; stay well below. */
export const MAX_ROWS_PER_STATEMENT = 4_000;

type Statement = { sql: string; params: (string | number | null)[] };

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function insertEvents(events: readonly UsageEventInput[]): Statement {
  const params: (string | number | null)[] = [];
  const rows = events.map((e, i) => {
    const b = i * EVENT_COLUMNS;
    params.push(e.tenantId, e.keyId, iso(e.time), e.kind, e.outcome, e.costCents, e.tokens);
    params.push(e.endpoint, e.resource, e.ip, e.latencyUs);
    return `($${b + 1}, $${b + 2}, $${b + 3}::timestamp(3), $${b + 4}::"UsageKind", $${b + 5}::"UsageOutcome", $${b + 6}::int, $${b + 7}::int, $${b + 8}, $${b + 9}, $${b + 10}, $${b + 11}::int)`;
  });
  return {
    sql: `INSERT INTO "UsageEvent" ("tenantId", "keyId", "time", "kind", "outcome", "costCents", "tokens", "endpoint", "resource", "ip", "latencyUs") VALUES ${rows.join(", ")}`,
    params,
  };
}

type Bucket = {
  tenantId: string;
  keyId: string;
  bucket: number;
  outcome: string;
  count: number;
  cost: number;
  tokens: number;
};

/** Aggregates the batch in memory first, so each bucket is one row of the upsert. */
export function aggregate(events: readonly UsageEventInput[], bucketMs: number): Bucket[] {
  const buckets = new Map<string, Bucket>();
  for (const e of events) {
    const bucket = e.time - (e.time % bucketMs);
    const keyId = e.keyId ?? "";
    const id = `${e.tenantId}\u0000${keyId}\u0000${bucket}\u0000${e.outcome}`;
    const current = buckets.get(id);
    if (current) {
      current.count++;
      current.cost += e.rollupCostCents;
      current.tokens += e.tokens;
    } else {
      buckets.set(id, {
        tenantId: e.tenantId,
        keyId,
        bucket,
        outcome: e.outcome,
        count: 1,
        cost: e.rollupCostCents,
        tokens: e.tokens,
      });
    }
  }
  // A fixed order makes concurrent flushes (several instances) lock rows in the same
  // order, so their upserts cannot deadlock.
  return [...buckets.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function upsertRollup(table: "UsageMinute" | "UsageHour", buckets: readonly Bucket[]): Statement {
  const params: (string | number | null)[] = [];
  const rows = buckets.map((r, i) => {
    const b = i * 7;
    params.push(r.tenantId, r.keyId, iso(r.bucket), r.outcome, r.count, r.cost, r.tokens);
    return `($${b + 1}, $${b + 2}, $${b + 3}::timestamp(3), $${b + 4}::"UsageOutcome", $${b + 5}::int, $${b + 6}::bigint, $${b + 7}::bigint)`;
  });
  return {
    sql: `INSERT INTO "${table}" ("tenantId", "keyId", "bucket", "outcome", "count", "costCents", "tokens") VALUES ${rows.join(", ")}
ON CONFLICT ("tenantId", "bucket", "keyId", "outcome") DO UPDATE SET
  "count" = "${table}"."count" + EXCLUDED."count",
  "costCents" = "${table}"."costCents" + EXCLUDED."costCents",
  "tokens" = "${table}"."tokens" + EXCLUDED."tokens"`,
    params,
  };
}

function touchKeys(events: readonly UsageEventInput[]): Statement | null {
  const latest = new Map<string, number>();
  for (const e of events) {
    if (e.keyId !== null && e.time > (latest.get(e.keyId) ?? 0)) latest.set(e.keyId, e.time);
  }
  if (latest.size === 0) return null;
  const params: string[] = [];
  const rows = [...latest]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([keyId, time], i) => {
      params.push(keyId, iso(time));
      return `($${i * 2 + 1}, $${i * 2 + 2}::timestamp(3))`;
    });
  // GREATEST keeps the newest time when batches from several instances interleave.
  return {
    sql: `UPDATE "ApiKey" AS k SET "lastUsedAt" = GREATEST(k."lastUsedAt", v.t)
FROM (VALUES ${rows.join(", ")}) AS v(id, t) WHERE k."id" = v.id`,
    params,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function writeBatch(events: readonly UsageEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const statements: Statement[] = [];
  const fresh = events.filter((e) => !e.persisted);
  for (const part of chunks(fresh, MAX_ROWS_PER_STATEMENT)) statements.push(insertEvents(part));
  for (const part of chunks(aggregate(events, 60_000), MAX_ROWS_PER_STATEMENT))
    statements.push(upsertRollup("UsageMinute", part));
  for (const part of chunks(aggregate(events, 3_600_000), MAX_ROWS_PER_STATEMENT))
    statements.push(upsertRollup("UsageHour", part));
  const touch = touchKeys(events);
  if (touch) statements.push(touch);
  const client = db();
  await client.$transaction(statements.map((s) => client.$executeRawUnsafe(s.sql, ...s.params)));
}
