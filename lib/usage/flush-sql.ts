import "server-only";
import type { Pool } from "pg";
import { db, pgPool } from "@/lib/db";
import { DENIAL_OUTCOMES, VERIFY_OUTCOMES } from "./analytics-types";
import type { UsageEventInput } from "./types";
import { UnbuildableBatchError } from "./write-errors";

/**
 * Writes one batch in one transaction: the raw events (one INSERT per batch, a row per key
 * in UsageEventBatch), the per-key and tenant-wide rollups per minute, hour and UTC day
 * (upserts that add to existing buckets), the per-key day totals over all outcomes, the
 * per-key client IPs (first/last seen, count) and `lastUsedAt` of every key in the
 * batch. One transaction keeps the rollups equal to the raw events: either the whole
 * batch lands or none of it does (then the buffer retries it, or splits it to set aside the
 * events the database refuses: see isolate.ts).
 *
 * Every count is BIGINT, in the tables and in the statements below: a rollup row only
 * grows (a busy tenant's day, a client IP over its retention), and a sum past a 4-byte
 * integer would fail the batch's transaction again on every retry.
 */

/** Rows per statement; bounds the size of one statement's arrays. */
export const MAX_ROWS_PER_STATEMENT = 10_000;

export type Statement = { sql: string; params: (string | number | null)[] };

// Batches hold many events from the same millisecond; format each instant once.
const isoCache = new Map<number, string>();

function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size >= 10_000) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

// Epoch milliseconds to timestamp(3) in SQL. Exact: the product is a whole number of
// microseconds well inside a double's 53 bits.
const fromEpochMs = (column: string) =>
  `timestamp '1970-01-01' + ${column} * interval '1 millisecond'`;

// A whole batch travels as one JSON parameter and is expanded with
// json_to_recordset(): one bind parameter per statement instead of one per value, which
// makes large batches cheap to send, parse and plan. (One JSON text parameter also binds
// the same way through every driver adapter, which arrays do not.) json, not jsonb: the
// text is read once, so building jsonb's binary form first would only add work.
//
// Raw events are stored per key (UsageEventBatch): one row holds a key's events of this
// batch, column by column, and PostgreSQL inserts a row, three index entries and their
// WAL per key instead of per event (about a tenth of the time: see the migration
// 20261130200000_usage_event_batches). Each row is as small as it can be: one-letter
// names, times as epoch milliseconds (numbers parse in a fraction of the time ISO text
// takes), and a column whose every value is its default (kind VERIFY, no cost, no
// tokens, no endpoint, resource, IP or latency) left out, NULL in the table.
type EventBatchRow = {
  t: string;
  k: string | null;
  /** Earliest and latest time. */
  f: number;
  z: number;
  m: number[];
  o: string[];
  d?: string[];
  c?: number[];
  n?: number[];
  e?: (string | null)[];
  r?: (string | null)[];
  i?: (string | null)[];
  l?: (number | null)[];
};

/** One key's events of a batch, in the order they were recorded. */
function eventBatchRow(events: readonly UsageEventInput[]): EventBatchRow {
  const first = events[0] as UsageEventInput;
  const times: number[] = [];
  const outcomes: string[] = [];
  let earliest = first.time;
  let latest = first.time;
  let kinds = false;
  let costs = false;
  let tokens = false;
  let endpoints = false;
  let resources = false;
  let ips = false;
  let latencies = false;
  for (const e of events) {
    times.push(e.time);
    outcomes.push(e.outcome);
    if (e.time < earliest) earliest = e.time;
    if (e.time > latest) latest = e.time;
    kinds ||= e.kind !== "VERIFY";
    costs ||= e.costCents !== 0;
    tokens ||= e.tokens !== 0;
    endpoints ||= e.endpoint !== null;
    resources ||= e.resource !== null;
    ips ||= e.ip !== null;
    latencies ||= e.latencyUs !== null;
  }
  const row: EventBatchRow = {
    t: first.tenantId,
    k: first.keyId,
    f: earliest,
    z: latest,
    m: times,
    o: outcomes,
  };
  if (kinds) row.d = events.map((e) => e.kind);
  if (costs) row.c = events.map((e) => e.costCents);
  if (tokens) row.n = events.map((e) => e.tokens);
  if (endpoints) row.e = events.map((e) => e.endpoint);
  if (resources) row.r = events.map((e) => e.resource);
  if (ips) row.i = events.map((e) => e.ip);
  if (latencies) row.l = events.map((e) => e.latencyUs);
  return row;
}

/** The events grouped by tenant and key, each group in recording order. */
function eventsByKey(events: readonly UsageEventInput[]): UsageEventInput[][] {
  const groups = new Map<string, UsageEventInput[]>();
  // A busy key sends runs of events: those join the previous event's group without a
  // lookup.
  let last: UsageEventInput[] | undefined;
  let lastTenant = "";
  let lastKey: string | null = null;
  for (const e of events) {
    if (last !== undefined && e.keyId === lastKey && e.tenantId === lastTenant) {
      last.push(e);
      continue;
    }
    const id = `${e.tenantId}\u0000${e.keyId ?? ""}`;
    last = groups.get(id);
    if (last === undefined) {
      last = [];
      groups.set(id, last);
    }
    last.push(e);
    lastTenant = e.tenantId;
    lastKey = e.keyId;
  }
  return [...groups.values()];
}

function insertEventBatches(groups: readonly UsageEventInput[][]): Statement {
  return {
    sql: `INSERT INTO "UsageEventBatch" ("tenantId", "keyId", "first", "last", "count", "times", "outcomes", "kinds", "costCents", "tokens", "endpoints", "resources", "ips", "latenciesUs")
SELECT r."t", r."k", ${fromEpochMs(`r."f"`)}, ${fromEpochMs(`r."z"`)}, cardinality(r."m"), r."m", r."o", r."d", r."c", r."n", r."e", r."r", r."i", r."l"
FROM json_to_recordset($1::json) AS r("t" text, "k" text, "f" int8, "z" int8, "m" int8[], "o" "UsageOutcome"[], "d" "UsageKind"[], "c" int[], "n" int[], "e" text[], "r" text[], "i" text[], "l" int[])`,
    params: [JSON.stringify(groups.map(eventBatchRow))],
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

/**
 * Adds `b` to its bucket and returns the bucket; `b` must be a fresh object (it may
 * become the bucket).
 */
function addTo(buckets: Map<string, Bucket>, b: Bucket): Bucket {
  const id = `${b.tenantId}\u0000${b.keyId}\u0000${b.bucket}\u0000${b.outcome}`;
  const current = buckets.get(id);
  if (current) {
    current.count += b.count;
    current.cost += b.cost;
    current.tokens += b.tokens;
    return current;
  }
  buckets.set(id, b);
  return b;
}

// A fixed order makes concurrent flushes (several instances) lock rows in the same
// order, so their upserts cannot deadlock.
function inLockOrder<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** Aggregates the batch in memory first, so each bucket is one row of the upsert. */
export function aggregate(events: readonly UsageEventInput[], bucketMs: number): Bucket[] {
  const buckets = new Map<string, Bucket>();
  // A busy key sends runs of events into one bucket: those add to the bucket the
  // previous event went to, without building its id and looking it up again.
  let last: Bucket | undefined;
  for (const e of events) {
    const keyId = e.keyId ?? "";
    const bucket = e.time - (e.time % bucketMs);
    if (
      last !== undefined &&
      last.bucket === bucket &&
      last.keyId === keyId &&
      last.outcome === e.outcome &&
      last.tenantId === e.tenantId
    ) {
      last.count += 1;
      last.cost += e.rollupCostCents;
      last.tokens += e.tokens;
      continue;
    }
    last = addTo(buckets, {
      tenantId: e.tenantId,
      keyId,
      bucket,
      outcome: e.outcome,
      count: 1,
      cost: e.rollupCostCents,
      tokens: e.tokens,
    });
  }
  return inLockOrder(buckets);
}

/**
 * The same totals in coarser buckets, from finer ones rather than from every event again
 * (an hour and a UTC day are whole numbers of minutes since the epoch).
 */
export function coarsen(finer: readonly Bucket[], bucketMs: number): Bucket[] {
  const buckets = new Map<string, Bucket>();
  for (const b of finer) addTo(buckets, { ...b, bucket: b.bucket - (b.bucket % bucketMs) });
  return inLockOrder(buckets);
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type KeyRollup = "UsageMinute" | "UsageHour" | "UsageDay";
type TenantRollup = "UsageTenantMinute" | "UsageTenantHour" | "UsageTenantDay";

function upsertRollup(table: KeyRollup, buckets: readonly Bucket[]): Statement {
  const rows = buckets.map((r) => ({ ...r, bucket: iso(r.bucket) }));
  return {
    sql: `INSERT INTO "${table}" ("tenantId", "keyId", "bucket", "outcome", "count", "costCents", "tokens")
SELECT r."tenantId", r."keyId", r."bucket", r."outcome"::"UsageOutcome", r."count", r."cost", r."tokens"
FROM json_to_recordset($1::json) AS r("tenantId" text, "keyId" text, "bucket" timestamp(3), "outcome" text, "count" bigint, "cost" bigint, "tokens" bigint)
ON CONFLICT ("tenantId", "bucket", "keyId", "outcome") DO UPDATE SET
  "count" = "${table}"."count" + EXCLUDED."count",
  "costCents" = "${table}"."costCents" + EXCLUDED."costCents",
  "tokens" = "${table}"."tokens" + EXCLUDED."tokens"`,
    params: [JSON.stringify(rows)],
  };
}

/**
 * Folds per-key buckets into tenant-wide ones (every key, and events without a key), in
 * the same fixed order as `aggregate`: tenant charts then read one row per bucket and
 * outcome instead of summing every key's rows.
 */
export function tenantBuckets(buckets: readonly Bucket[]): Bucket[] {
  const out = new Map<string, Bucket>();
  for (const b of buckets) {
    const id = `${b.tenantId}\u0000${b.bucket}\u0000${b.outcome}`;
    const current = out.get(id);
    if (current) {
      current.count += b.count;
      current.cost += b.cost;
      current.tokens += b.tokens;
    } else {
      out.set(id, { ...b, keyId: "" });
    }
  }
  return inLockOrder(out);
}

function upsertTenantRollup(table: TenantRollup, buckets: readonly Bucket[]): Statement {
  const rows = buckets.map((r) => ({
    tenantId: r.tenantId,
    bucket: iso(r.bucket),
    outcome: r.outcome,
    count: r.count,
    cost: r.cost,
    tokens: r.tokens,
  }));
  return {
    sql: `INSERT INTO "${table}" ("tenantId", "bucket", "outcome", "count", "costCents", "tokens")
SELECT r."tenantId", r."bucket", r."outcome"::"UsageOutcome", r."count", r."cost", r."tokens"
FROM json_to_recordset($1::json) AS r("tenantId" text, "bucket" timestamp(3), "outcome" text, "count" bigint, "cost" bigint, "tokens" bigint)
ON CONFLICT ("tenantId", "bucket", "outcome") DO UPDATE SET
  "count" = "${table}"."count" + EXCLUDED."count",
  "costCents" = "${table}"."costCents" + EXCLUDED."costCents",
  "tokens" = "${table}"."tokens" + EXCLUDED."tokens"`,
    params: [JSON.stringify(rows)],
  };
}

type KeyDay = {
  tenantId: string;
  keyId: string;
  bucket: number;
  requests: number;
  denials: number;
  cost: number;
  tokens: number;
};

// The charts' definitions: requests are verification answers (every outcome but a usage
// report's REPORTED), denials the answers other than VALID.
const REQUEST_OUTCOMES: ReadonlySet<string> = new Set(VERIFY_OUTCOMES);
const DENIAL_OUTCOME_SET: ReadonlySet<string> = new Set(DENIAL_OUTCOMES);

/**
 * Folds day buckets over their outcomes into per-key day totals (UsageKeyDay), with the
 * charts' definitions of requests and denials. Sorted like the other rollups.
 */
export function keyDays(days: readonly Bucket[]): KeyDay[] {
  const out = new Map<string, KeyDay>();
  for (const b of days) {
    const id = `${b.tenantId}\u0000${b.keyId}\u0000${b.bucket}`;
    let current = out.get(id);
    if (!current) {
      current = {
        tenantId: b.tenantId,
        keyId: b.keyId,
        bucket: b.bucket,
        requests: 0,
        denials: 0,
        cost: 0,
        tokens: 0,
      };
      out.set(id, current);
    }
    if (REQUEST_OUTCOMES.has(b.outcome)) current.requests += b.count;
    if (DENIAL_OUTCOME_SET.has(b.outcome)) current.denials += b.count;
    current.cost += b.cost;
    current.tokens += b.tokens;
  }
  return inLockOrder(out);
}

function upsertKeyDays(rows: readonly KeyDay[]): Statement {
  const json = rows.map((r) => ({ ...r, bucket: iso(r.bucket) }));
  return {
    sql: `INSERT INTO "UsageKeyDay" ("tenantId", "keyId", "bucket", "requests", "denials", "costCents", "tokens")
SELECT r."tenantId", r."keyId", r."bucket", r."requests", r."denials", r."cost", r."tokens"
FROM json_to_recordset($1::json) AS r("tenantId" text, "keyId" text, "bucket" timestamp(3), "requests" bigint, "denials" bigint, "cost" bigint, "tokens" bigint)
ON CONFLICT ("tenantId", "bucket", "keyId") DO UPDATE SET
  "requests" = "UsageKeyDay"."requests" + EXCLUDED."requests",
  "denials" = "UsageKeyDay"."denials" + EXCLUDED."denials",
  "costCents" = "UsageKeyDay"."costCents" + EXCLUDED."costCents",
  "tokens" = "UsageKeyDay"."tokens" + EXCLUDED."tokens"`,
    params: [JSON.stringify(json)],
  };
}

type ClientIp = {
  tenantId: string;
  keyId: string;
  ip: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
};

/** Per key and client IP: first and last time seen in the batch, and how often. */
export function clientIps(events: readonly UsageEventInput[]): ClientIp[] {
  const out = new Map<string, ClientIp>();
  for (const e of events) {
    if (e.keyId === null || e.ip === null || e.ip === "") continue;
    const id = `${e.tenantId}\u0000${e.keyId}\u0000${e.ip}`;
    const current = out.get(id);
    if (current) {
      current.count++;
      if (e.time < current.firstSeen) current.firstSeen = e.time;
      if (e.time > current.lastSeen) current.lastSeen = e.time;
    } else {
      out.set(id, {
        tenantId: e.tenantId,
        keyId: e.keyId,
        ip: e.ip,
        firstSeen: e.time,
        lastSeen: e.time,
        count: 1,
      });
    }
  }
  return inLockOrder(out);
}

/**
 * How stale a client IP's lastSeen may be: it lags the pair's last event by at most this
 * much (firstSeen and count are exact). lastSeen only decides when retention forgets a
 * pair, after KEYPLANE_USAGE_EVENTS_DAYS without it.
 */
export const CLIENT_IP_LAST_SEEN_PRECISION_MS = 60_000;

function upsertClientIps(rows: readonly ClientIp[]): Statement {
  // A row per pair, as small as it can be: short names, times as epoch milliseconds
  // (numbers parse in a fraction of the time ISO text takes), and lastSeen left out
  // when it equals firstSeen (a pair seen once in the batch, the common case for a new
  // IP). For 10,000 new pairs this halves what the server spends reading the parameter.
  const json = rows.map((r) =>
    r.lastSeen === r.firstSeen
      ? { t: r.tenantId, k: r.keyId, i: r.ip, f: r.firstSeen, c: r.count }
      : { t: r.tenantId, k: r.keyId, i: r.ip, f: r.firstSeen, l: r.lastSeen, c: r.count },
  );
  // A known pair's lastSeen moves only when it is more than
  // CLIENT_IP_LAST_SEEN_PRECISION_MS behind: while it stays, the update changes no
  // indexed column, so PostgreSQL rewrites the row in place (a HOT update) instead of
  // adding an entry to each of the table's three indexes for every active pair in every
  // batch. GREATEST-like, so batches from several instances may interleave.
  const precision = `interval '${CLIENT_IP_LAST_SEEN_PRECISION_MS / 1000} seconds'`;
  return {
    sql: `INSERT INTO "UsageClientIp" ("tenantId", "keyId", "ip", "firstSeen", "lastSeen", "count")
SELECT r."t", r."k", r."i", ${fromEpochMs(`r."f"`)}, ${fromEpochMs(`COALESCE(r."l", r."f")`)}, r."c"
FROM json_to_recordset($1::json) AS r("t" text, "k" text, "i" text, "f" int8, "l" int8, "c" int8)
ON CONFLICT ("tenantId", "keyId", "ip") DO UPDATE SET
  "firstSeen" = LEAST("UsageClientIp"."firstSeen", EXCLUDED."firstSeen"),
  "lastSeen" = CASE WHEN EXCLUDED."lastSeen" > "UsageClientIp"."lastSeen" + ${precision}
    THEN EXCLUDED."lastSeen" ELSE "UsageClientIp"."lastSeen" END,
  "count" = "UsageClientIp"."count" + EXCLUDED."count"`,
    params: [JSON.stringify(json)],
  };
}

/** How stale a key's lastUsedAt may be: it lags its last use by at most this much. */
export const LAST_USED_PRECISION_MS = 60_000;

function touchKeys(events: readonly UsageEventInput[]): Statement | null {
  const latest = new Map<string, number>();
  // Runs of one key's events are folded first, so the map is written once per run.
  let runKey: string | null = null;
  let runLatest = 0;
  const endRun = () => {
    if (runKey !== null && runLatest > (latest.get(runKey) ?? 0)) latest.set(runKey, runLatest);
  };
  for (const e of events) {
    if (e.keyId === null) continue;
    if (e.keyId !== runKey) {
      endRun();
      runKey = e.keyId;
      runLatest = e.time;
    } else if (e.time > runLatest) runLatest = e.time;
  }
  endRun();
  if (latest.size === 0) return null;
  const params: string[] = [];
  const rows = [...latest]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([keyId, time], i) => {
      params.push(keyId, iso(time));
      return `($${i * 2 + 1}, $${i * 2 + 2}::timestamp(3))`;
    });
  // A key's row is rewritten only when its lastUsedAt moves by more than
  // LAST_USED_PRECISION_MS, so a busy key costs one ApiKey write a minute, not one per
  // batch. Every write matters: lastUsedAt is indexed (the list sorts and filters by it),
  // so each update inserts into every index of ApiKey, the GIN ones included (measured:
  // 120–200 ms for a batch that touched 1,000 keys, more than the rollups together).
  // The condition also means GREATEST keeps the newest time when batches from several
  // instances interleave.
  return {
    sql: `UPDATE "ApiKey" AS k SET "lastUsedAt" = GREATEST(k."lastUsedAt", v.t)
FROM (VALUES ${rows.join(", ")}) AS v(id, t)
WHERE k."id" = v.id AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < v.t - interval '${LAST_USED_PRECISION_MS / 1000} seconds')`,
    params,
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function batchStatements(events: readonly UsageEventInput[]): Statement[] {
  const statements: Statement[] = [];
  const fresh = events.filter((e) => !e.persisted);
  for (const part of chunks(eventsByKey(fresh), MAX_ROWS_PER_STATEMENT))
    statements.push(insertEventBatches(part));
  // Tables are always written in this order, each in sorted row order, so concurrent
  // flushes (two per instance, and several instances) take their row locks in one global
  // order and cannot deadlock. The order also decides how much two flushes overlap: rows
  // they share (the current minute's buckets of the same keys) make the second wait for
  // the first to commit, so the large per-event writes (raw events, client IPs) come
  // first and run side by side, and the shared rollup rows are locked last, only for the
  // end of the transaction. lastUsedAt comes after them: verify's budget reservations
  // lock ApiKey rows too, and should wait for a flush as briefly as possible.
  for (const part of chunks(clientIps(events), MAX_ROWS_PER_STATEMENT))
    statements.push(upsertClientIps(part));
  const rollups: [number, KeyRollup, TenantRollup][] = [
    [MINUTE_MS, "UsageMinute", "UsageTenantMinute"],
    [HOUR_MS, "UsageHour", "UsageTenantHour"],
    [DAY_MS, "UsageDay", "UsageTenantDay"],
  ];
  let buckets: Bucket[] = [];
  for (const [bucketMs, table, tenantTable] of rollups) {
    buckets = bucketMs === MINUTE_MS ? aggregate(events, bucketMs) : coarsen(buckets, bucketMs);
    for (const part of chunks(buckets, MAX_ROWS_PER_STATEMENT))
      statements.push(upsertRollup(table, part));
    for (const part of chunks(tenantBuckets(buckets), MAX_ROWS_PER_STATEMENT))
      statements.push(upsertTenantRollup(tenantTable, part));
  }
  // The day buckets are what the loop ended with.
  for (const part of chunks(keyDays(buckets), MAX_ROWS_PER_STATEMENT))
    statements.push(upsertKeyDays(part));
  const touch = touchKeys(events);
  if (touch) statements.push(touch);
  return statements;
}

export async function writeBatch(events: readonly UsageEventInput[]): Promise<void> {
  if (events.length === 0) return;
  let statements: Statement[];
  try {
    statements = batchStatements(events);
  } catch (error) {
    // Building touches no database: a failure here (an invalid time) is the events' fault.
    throw new UnbuildableBatchError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  const pool = pgPool();
  if (pool) return writeWithPool(pool, statements);
  const client = db();
  await client.$transaction(statements.map((s) => client.$executeRawUnsafe(s.sql, ...s.params)));
}

/**
 * On PostgreSQL the batch goes straight through the pool's pg client: Prisma passes each
 * raw query's multi-megabyte JSON parameter through its query compiler, which cost this
 * process about as much CPU as building the batch (profiled: ~200 ms per 10,000 events).
 * Same statements, same single transaction.
 */
async function writeWithPool(pool: Pool, statements: readonly Statement[]): Promise<void> {
  const connection = await pool.connect();
  let broken: Error | undefined;
  try {
    await connection.query("BEGIN");
    for (const s of statements) await connection.query(s.sql, s.params);
    await connection.query("COMMIT");
  } catch (error) {
    await connection.query("ROLLBACK").catch((rollbackError: unknown) => {
      // The connection is unusable: drop it from the pool instead of reusing it.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    connection.release(broken);
  }
}
