import "server-only";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { displayKey } from "@/lib/keys/format";
import { effectiveSpent } from "@/lib/verify/spent";
import { monthStartUtc } from "@/lib/verify/windows";
import {
  type BudgetBurn,
  type CostPoint,
  type DenialOutcome,
  type DenialRow,
  type RequestsPoint,
  type Sparklines,
  type TopKey,
  type TopKeyMetric,
  type UsageEventRow,
  type UsageEventsPage,
  type UsageRange,
  VERIFY_OUTCOMES,
  type VerifyOutcome,
} from "./analytics-types";
import { type Num, num } from "./numbers";
import { DENIAL_OUTCOMES_SQL } from "./outcome-sql";
import { bucketStarts, DAY_MS, HOUR_MS } from "./range";

export { parseUsageRange, usageRetention } from "./range";

/**
 * The usage charts' data-access layer. Every function checks that the caller may read the
 * tenant (viewers may) and filters every statement by `ctx.tenantId`; a key of another
 * tenant reads as `null` (not found), never as data.
 *
 * Charts read rollups, never raw events: tenant-wide charts read UsageTenantMinute/Hour/Day
 * (one row per bucket and outcome, however many keys there are), key charts read
 * UsageMinute/Hour/Day through ("keyId", "bucket"), and the range's granularity picks the
 * table (see range.ts). Per-key totals by day without the outcome split (top keys,
 * sparklines, budget burn over days, the signals' baseline) read UsageKeyDay, one row per
 * key and day. Only `recentEvents` reads raw events (UsageEvent and UsageEventBatch), one
 * page at a time through ("keyId", "time") and ("keyId", "last").
 */

type Source = { table: string; tenantTable: string };

const SOURCES: Record<UsageRange["granularity"], Source> = {
  minute: { table: "UsageMinute", tenantTable: "UsageTenantMinute" },
  hour: { table: "UsageHour", tenantTable: "UsageTenantHour" },
  day: { table: "UsageDay", tenantTable: "UsageTenantDay" },
};

const VERIFY_SQL = Prisma.raw(VERIFY_OUTCOMES.map((o) => `'${o}'`).join(", "));

// Counts, costs and tokens are BIGINT columns, and their sums are cast to int8: they
// reach JavaScript as bigint and leave this module as numbers (exact up to 2^53).

/** The rows of the range for the tenant, or for one of its keys. */
function scope(ctx: TenantContext, range: UsageRange, keyId: string | undefined) {
  const source = SOURCES[range.granularity];
  const from = new Date(range.from);
  const to = new Date(range.to);
  if (keyId === undefined) {
    return Prisma.sql`FROM ${Prisma.raw(`"${source.tenantTable}"`)}
      WHERE "tenantId" = ${ctx.tenantId} AND "bucket" >= ${from} AND "bucket" < ${to}`;
  }
  return Prisma.sql`FROM ${Prisma.raw(`"${source.table}"`)}
    WHERE "keyId" = ${keyId} AND "tenantId" = ${ctx.tenantId} AND "bucket" >= ${from} AND "bucket" < ${to}`;
}

/** The bucket of the range each rollup row falls in (rollup rows are finer or equal). */
function binned(range: UsageRange): Prisma.Sql {
  const unit =
    range.granularity === "minute" ? 60_000 : range.granularity === "hour" ? HOUR_MS : DAY_MS;
  if (range.bucketMs === unit) return Prisma.sql`"bucket"`;
  return Prisma.sql`date_bin(${range.bucketMs / 1000}::float8 * interval '1 second', "bucket", timestamp '1970-01-01')`;
}

type KeyRow = {
  id: string;
  name: string;
  start: string;
  last4: string;
  budgetCents: number | null;
  budgetPeriod: "TOTAL" | "MONTHLY" | null;
  budgetSpentCents: number;
  budgetPeriodStart: Date | null;
};

const KEY_SELECT = {
  id: true,
  name: true,
  start: true,
  last4: true,
  budgetCents: true,
  budgetPeriod: true,
  budgetSpentCents: true,
  budgetPeriodStart: true,
} as const;

/** The key if it is the tenant's, else null. */
async function tenantKey(ctx: TenantContext, keyId: string): Promise<KeyRow | null> {
  return db().apiKey.findFirst({
    where: { id: keyId, tenantId: ctx.tenantId },
    select: KEY_SELECT,
  });
}

/**
 * Runs the key check and the data query together (one round trip of latency); the data
 * query filters by tenant too, so nothing of another tenant is read either way.
 */
async function forKey<T>(
  ctx: TenantContext,
  keyId: string | undefined,
  read: () => Promise<T>,
): Promise<T | null> {
  assertCan(ctx, "tenant:read");
  if (keyId === undefined) return read();
  const [key, data] = await Promise.all([tenantKey(ctx, keyId), read()]);
  return key === null ? null : data;
}

function emptyPoint(bucket: number): RequestsPoint {
  const point = { bucket: new Date(bucket).toISOString(), total: 0 } as RequestsPoint;
  for (const o of VERIFY_OUTCOMES) point[o] = 0;
  return point;
}

/** Verifications per bucket, stacked by outcome; every bucket of the range, zeros included. */
export async function requestsOverTime(
  ctx: TenantContext,
  range: UsageRange,
  keyId?: string,
): Promise<RequestsPoint[] | null> {
  return forKey(ctx, keyId, async () => {
    const rows = await db().$queryRaw<{ bucket: Date; outcome: VerifyOutcome; count: Num }[]>`
      SELECT ${binned(range)} AS "bucket", "outcome"::text AS "outcome", sum("count")::int8 AS "count"
      ${scope(ctx, range, keyId)} AND "outcome" IN (${VERIFY_SQL})
      GROUP BY 1, 2`;
    const points = new Map(bucketStarts(range).map((b) => [b, emptyPoint(b)]));
    for (const r of rows) {
      const point = points.get(r.bucket.getTime());
      if (!point) continue;
      point[r.outcome] += num(r.count);
      point.total += num(r.count);
    }
    return [...points.values()];
  });
}

/** Denied verifications in the range by reason, largest first (reasons with none left out). */
export async function denialsByReason(
  ctx: TenantContext,
  range: UsageRange,
  keyId?: string,
): Promise<DenialRow[] | null> {
  return forKey(ctx, keyId, async () => {
    const rows = await db().$queryRaw<{ outcome: DenialOutcome; count: Num }[]>`
      SELECT "outcome"::text AS "outcome", sum("count")::int8 AS "count"
      ${scope(ctx, range, keyId)} AND "outcome" IN (${DENIAL_OUTCOMES_SQL})
      GROUP BY 1`;
    return rows
      .map((r) => ({ outcome: r.outcome, count: num(r.count) }))
      .filter((r) => r.count > 0)
      .sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome));
  });
}

/**
 * Cost (net budget charges: reservations settled by their reports) and reported tokens
 * per bucket; every bucket of the range, zeros included.
 */
export async function costAndTokens(
  ctx: TenantContext,
  range: UsageRange,
  keyId?: string,
): Promise<CostPoint[] | null> {
  return forKey(ctx, keyId, async () => {
    const rows = await db().$queryRaw<{ bucket: Date; cost: Num; tokens: Num }[]>`
      SELECT ${binned(range)} AS "bucket", sum("costCents")::int8 AS "cost", sum("tokens")::int8 AS "tokens"
      ${scope(ctx, range, keyId)}
      GROUP BY 1`;
    const points = new Map(
      bucketStarts(range).map((b) => [
        b,
        { bucket: new Date(b).toISOString(), costCents: 0, tokens: 0 },
      ]),
    );
    for (const r of rows) {
      const point = points.get(r.bucket.getTime());
      if (!point) continue;
      point.costCents += num(r.cost);
      point.tokens += num(r.tokens);
    }
    return [...points.values()];
  });
}

function spentNow(key: KeyRow, now: number): number {
  return effectiveSpent(key.budgetSpentCents, key.budgetPeriod, key.budgetPeriodStart, now);
}

/**
 * Budget burn-down over the range for keys with a budget: the tenant's 10 most burnt
 * (spent / budget now), or the one key. Each point carries the cost within the range up
 * to the end of its bucket and the budget left after it. The curve is anchored on what
 * the verify path counts now: the spend at the end of a bucket is today's spend minus the
 * cost rolled up after that bucket (in the same budget period), so it meets the key's
 * current spend at the right edge. A MONTHLY budget starts again at every UTC month; in
 * an earlier month the spend is that month's rolled-up cost up to the bucket.
 */
export async function budgetBurn(
  ctx: TenantContext,
  range: UsageRange,
  keyId?: string,
  options: { now?: number } = {},
): Promise<BudgetBurn[] | null> {
  assertCan(ctx, "tenant:read");
  const now = options.now ?? Date.now();
  let keys: KeyRow[];
  if (keyId !== undefined) {
    const key = await tenantKey(ctx, keyId);
    if (key === null) return null;
    keys = key.budgetCents === null ? [] : [key];
  } else {
    const monthStart = new Date(monthStartUtc(now));
    keys = await db().$queryRaw<KeyRow[]>`
      SELECT "id", "name", "start", "last4", "budgetCents", "budgetPeriod"::text AS "budgetPeriod",
        "budgetSpentCents", "budgetPeriodStart"
      FROM "ApiKey"
      WHERE "tenantId" = ${ctx.tenantId} AND "budgetCents" IS NOT NULL AND "budgetCents" > 0
      ORDER BY (CASE WHEN "budgetPeriod" = 'MONTHLY' AND ("budgetPeriodStart" IS NULL OR "budgetPeriodStart" < ${monthStart})
        THEN 0 ELSE "budgetSpentCents" END)::float8 / "budgetCents" DESC, "id"
      LIMIT 10`;
  }
  if (keys.length === 0) return [];

  const from = Date.parse(range.from);
  const dayStartOfFrom = from - (from % DAY_MS);
  const readFrom = dayStartOfFrom;
  const monthOfFrom = monthStartUtc(from);
  const ids = keys.map((k) => k.id);
  // Day ranges read the per-key day totals: one row per key and day, no outcomes to sum.
  const table = Prisma.raw(
    range.granularity === "day" ? `"UsageKeyDay"` : `"${SOURCES[range.granularity].table}"`,
  );
  // Cost per key and bucket from the start of the range's first day up to now (the cost
  // after the range is what the anchoring subtracts), and the cost of the first month
  // before that day (what a MONTHLY budget had spent when the range starts).
  const [rows, before] = await Promise.all([
    db().$queryRaw<{ keyId: string; bucket: Date; cost: Num }[]>`
      SELECT "keyId", "bucket", sum("costCents")::int8 AS "cost"
      FROM ${table}
      WHERE "keyId" IN (${Prisma.join(ids)}) AND "tenantId" = ${ctx.tenantId}
        AND "bucket" >= ${new Date(readFrom)}
      GROUP BY 1, 2`,
    monthOfFrom < dayStartOfFrom
      ? db().$queryRaw<{ keyId: string; cost: Num }[]>`
          SELECT "keyId", sum("costCents")::int8 AS "cost" FROM "UsageKeyDay"
          WHERE "keyId" IN (${Prisma.join(ids)}) AND "tenantId" = ${ctx.tenantId}
            AND "bucket" >= ${new Date(monthOfFrom)} AND "bucket" < ${new Date(dayStartOfFrom)}
          GROUP BY 1`
      : Promise.resolve([]),
  ]);
  const perKey = new Map<string, { t: number; cost: number }[]>();
  for (const r of rows) {
    const list = perKey.get(r.keyId) ?? [];
    list.push({ t: r.bucket.getTime(), cost: num(r.cost) });
    perKey.set(r.keyId, list);
  }
  const beforeOf = new Map(before.map((r) => [r.keyId, num(r.cost)]));
  const starts = bucketStarts(range);
  const currentMonth = monthStartUtc(now);

  return keys.map((key) => {
    const budget = key.budgetCents ?? 0;
    const spent = spentNow(key, now);
    const costs = (perKey.get(key.id) ?? []).sort((a, b) => a.t - b.t);
    const monthly = key.budgetPeriod === "MONTHLY";
    let inRange = 0;
    const points = starts.map((start) => {
      const end = start + range.bucketMs;
      let within = 0;
      let after = 0;
      let periodBefore = 0;
      const period = monthly ? monthStartUtc(Math.min(end - 1, now)) : Number.NEGATIVE_INFINITY;
      for (const c of costs) {
        if (c.t >= start && c.t < end && c.t >= from) within += c.cost;
        if (c.t >= end) {
          if (!monthly || monthStartUtc(c.t) === period) after += c.cost;
        } else if (monthly && c.t >= period) {
          periodBefore += c.cost;
        }
      }
      inRange += within;
      let spentAtEnd: number;
      if (!monthly || period === currentMonth) {
        spentAtEnd = spent - after;
      } else {
        spentAtEnd = periodBefore + (period === monthOfFrom ? (beforeOf.get(key.id) ?? 0) : 0);
      }
      return {
        bucket: new Date(start).toISOString(),
        spentCents: inRange,
        remainingCents: Math.max(0, budget - Math.max(0, spentAtEnd)),
      };
    });
    return {
      keyId: key.id,
      name: key.name,
      display: displayKey(key.start, key.last4),
      budgetCents: budget,
      period: key.budgetPeriod ?? "TOTAL",
      spentCents: spent,
      points,
    };
  });
}

const TOP_ORDER: Record<TopKeyMetric, string> = {
  requests: `"requests"`,
  cost: `"costCents"`,
  denials: `"denials"`,
};

/** The tenant's keys with the most requests, cost or denials in the range (none with zero). */
export async function topKeys(
  ctx: TenantContext,
  range: UsageRange,
  metric: TopKeyMetric,
  limit = 10,
): Promise<TopKey[]> {
  assertCan(ctx, "tenant:read");
  const take = Math.min(Math.max(1, Math.trunc(limit) || 10), 100);
  const order = Prisma.raw(TOP_ORDER[metric]);
  const where = Prisma.sql`WHERE "tenantId" = ${ctx.tenantId} AND "bucket" >= ${new Date(range.from)} AND "bucket" < ${new Date(range.to)}
        AND "keyId" <> ''`;
  // Day ranges (30 and 90 days) sum one UsageKeyDay row per key and day; finer ones sum
  // the rollup's rows per outcome.
  const totals =
    range.granularity === "day"
      ? Prisma.sql`SELECT "keyId", sum("requests")::int8 AS "requests",
          sum("costCents")::int8 AS "costCents", sum("denials")::int8 AS "denials"
        FROM "UsageKeyDay" ${where}
        GROUP BY 1`
      : Prisma.sql`SELECT "keyId",
          sum("count") FILTER (WHERE "outcome" <> 'REPORTED')::int8 AS "requests",
          sum("costCents")::int8 AS "costCents",
          sum("count") FILTER (WHERE "outcome" NOT IN ('VALID', 'REPORTED'))::int8 AS "denials"
        FROM ${Prisma.raw(`"${SOURCES[range.granularity].table}"`)} ${where}
        GROUP BY 1`;
  const rows = await db().$queryRaw<
    {
      keyId: string;
      name: string;
      start: string;
      last4: string;
      requests: Num;
      costCents: Num;
      denials: Num;
    }[]
  >`
    WITH t AS (${totals}), top AS (
      SELECT * FROM t WHERE COALESCE(${order}, 0) > 0
      ORDER BY ${order} DESC NULLS LAST, "keyId" LIMIT ${take}
    )
    SELECT top.*, k."name", k."start", k."last4"
    FROM top JOIN "ApiKey" k ON k."id" = top."keyId" AND k."tenantId" = ${ctx.tenantId}
    ORDER BY ${order} DESC NULLS LAST, top."keyId"`;
  return rows.map((r) => ({
    keyId: r.keyId,
    name: r.name,
    display: displayKey(r.start, r.last4),
    requests: num(r.requests),
    costCents: num(r.costCents),
    denials: num(r.denials),
  }));
}

const MAX_PAGE = 200;

/**
 * Where a page of recent events ends, in the order the pages use: time, newest first;
 * at equal times events written one at a time (UsageEvent, `source` 1) before buffered
 * ones (UsageEventBatch, `source` 0); then the row's id and the event's position in it.
 */
type EventCursor = { time: number; source: 0 | 1; id: string; position: string };

function encodeCursor(c: EventCursor): string {
  return `${c.time}.${c.source}.${c.id}.${c.position}`;
}

function decodeCursor(cursor: string | null | undefined): EventCursor | null {
  const match = /^(\d{1,15})\.([01])\.(\d{1,19})\.(\d{1,10})$/.exec(cursor ?? "");
  const [, time, source, id, position] = match ?? [];
  if (time === undefined || source === undefined || id === undefined || position === undefined)
    return null;
  return { time: Number(time), source: source === "1" ? 1 : 0, id, position };
}

/** An event as the query returns it: its place in the order, then UsageEventRow's fields. */
type RecentEventRow = Omit<UsageEventRow, "id" | "time"> & {
  source: number;
  id: bigint | string;
  position: bigint | string | number;
  time: Date;
};

/** Batches read at first for a page of recent events; more when they cannot decide it. */
const FIRST_BATCHES = 8;

/**
 * The newest `limit` events of a key before `cursor`, from both tables. A batch row
 * holds events between its `first` and `last` times, and rows of several instances may
 * overlap, so batches are read newest `last` first, a few at a time: once the page's
 * last event is newer than the `last` of every batch not read, no unread batch can hold
 * an event of the page. Otherwise the read is repeated with more batches.
 */
async function newestEvents(
  tenantId: string,
  keyId: string,
  cursor: EventCursor | null,
  limit: number,
): Promise<RecentEventRow[]> {
  const client = db();
  const cursorTime = cursor ? new Date(cursor.time) : null;
  // UsageEvent rows sort after a batch event of the same time, so a cursor on a batch
  // event has shown every UsageEvent row of its millisecond.
  const singlesAfter = !cursor
    ? Prisma.empty
    : cursor.source === 1
      ? Prisma.sql`AND ("time", "id") < (${cursorTime}, ${cursor.id}::int8)`
      : Prisma.sql`AND "time" < ${cursorTime}`;
  const batchEventsAfter = cursor
    ? Prisma.sql`AND (u."t", 0, b."id", u."n") < (${cursor.time}::int8, ${cursor.source}::int4, ${cursor.id}::int8, ${cursor.position}::int8)`
    : Prisma.empty;
  for (let batches = FIRST_BATCHES; ; batches *= 8) {
    const candidates = await client.$queryRaw<{ id: bigint | string; last: Date }[]>`
      SELECT "id", "last" FROM "UsageEventBatch"
      WHERE "keyId" = ${keyId} AND "tenantId" = ${tenantId}
        ${cursorTime ? Prisma.sql`AND "first" <= ${cursorTime}` : Prisma.empty}
      ORDER BY "last" DESC
      LIMIT ${batches + 1}`;
    const read = candidates.slice(0, batches);
    const unread = candidates[batches];
    const rows = await client.$queryRaw<RecentEventRow[]>`
      (SELECT 1 AS "source", "id", 0::int8 AS "position", "time", "kind"::text AS "kind",
         "outcome"::text AS "outcome", "ip", "endpoint", "resource", "costCents", "tokens",
         "latencyUs"
       FROM "UsageEvent"
       WHERE "keyId" = ${keyId} AND "tenantId" = ${tenantId} ${singlesAfter}
       ORDER BY "time" DESC, "id" DESC
       LIMIT ${limit})
      UNION ALL
      (SELECT 0, b."id", u."n", timestamp '1970-01-01' + u."t" * interval '1 millisecond',
         COALESCE(u."kind", 'VERIFY')::text, u."outcome"::text, u."ip", u."endpoint",
         u."resource", COALESCE(u."cost", 0), COALESCE(u."tokens", 0), u."latency"
       FROM "UsageEventBatch" b
       CROSS JOIN LATERAL unnest(b."times", b."outcomes", b."kinds", b."costCents", b."tokens",
         b."endpoints", b."resources", b."ips", b."latenciesUs")
         WITH ORDINALITY AS u("t", "outcome", "kind", "cost", "tokens", "endpoint", "resource", "ip", "latency", "n")
       WHERE b."id" = ANY(string_to_array(${read.map((r) => String(r.id)).join(",")}, ',')::int8[])
         AND b."tenantId" = ${tenantId} ${batchEventsAfter})
      ORDER BY "time" DESC, "source" DESC, "id" DESC, "position" DESC
      LIMIT ${limit}`;
    const oldest = rows[limit - 1];
    if (!unread || (oldest && oldest.time.getTime() > unread.last.getTime())) return rows;
  }
}

/**
 * The key's raw events, newest first, one page at a time (`before` is the previous
 * page's `nextBefore`; an unreadable cursor starts at the newest).
 */
export async function recentEvents(
  ctx: TenantContext,
  keyId: string,
  opts: { before?: string | null; pageSize?: number } = {},
): Promise<UsageEventsPage | null> {
  const size = Math.min(Math.max(1, Math.trunc(opts.pageSize ?? 50) || 50), MAX_PAGE);
  const cursor = decodeCursor(opts.before);
  return forKey(ctx, keyId, async () => {
    const rows = await newestEvents(ctx.tenantId, keyId, cursor, size + 1);
    const page = rows.slice(0, size);
    const last = page.at(-1);
    return {
      rows: page.map((r) => ({
        id: Number(r.source) === 1 ? `e${r.id}` : `b${r.id}.${r.position}`,
        time: r.time.toISOString(),
        kind: r.kind,
        outcome: r.outcome,
        ip: r.ip,
        endpoint: r.endpoint,
        resource: r.resource,
        costCents: Number(r.costCents),
        tokens: Number(r.tokens),
        latencyUs: r.latencyUs === null ? null : Number(r.latencyUs),
      })),
      nextBefore:
        rows.length > size && last
          ? encodeCursor({
              time: last.time.getTime(),
              source: Number(last.source) === 1 ? 1 : 0,
              id: String(last.id),
              position: String(last.position),
            })
          : null,
    };
  });
}

const MAX_SPARKLINE_KEYS = 500;

/**
 * Verifications per UTC day over the last 7 days (today included, oldest first) for each
 * key asked for. Keys of other tenants (or without usage) read as seven zeros.
 */
export async function sparklines(
  ctx: TenantContext,
  keyIds: string[],
  options: { now?: number } = {},
): Promise<Sparklines> {
  assertCan(ctx, "tenant:read");
  const ids = [...new Set(keyIds)].slice(0, MAX_SPARKLINE_KEYS);
  const out: Sparklines = {};
  if (ids.length === 0) return out;
  const now = options.now ?? Date.now();
  const today = now - (now % DAY_MS);
  const first = today - 6 * DAY_MS;
  for (const id of ids) out[id] = [0, 0, 0, 0, 0, 0, 0];
  // Verifications are every outcome but REPORTED: UsageKeyDay's requests.
  const rows = await db().$queryRaw<{ keyId: string; bucket: Date; count: Num }[]>`
    SELECT "keyId", "bucket", "requests" AS "count"
    FROM "UsageKeyDay"
    WHERE "keyId" IN (${Prisma.join(ids)}) AND "tenantId" = ${ctx.tenantId}
      AND "bucket" >= ${new Date(first)}`;
  for (const r of rows) {
    const day = Math.round((r.bucket.getTime() - first) / DAY_MS);
    const line = out[r.keyId];
    if (line && day >= 0 && day < 7) line[day] = (line[day] ?? 0) + num(r.count);
  }
  return out;
}

export { signals } from "./signals";
