import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { UsageOutcome } from "@/lib/generated/prisma/enums";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { verifyKey } from "@/lib/verify/engine";
import { insertKey, setupTestCounters, type TestKey } from "@/lib/verify/test-support";
import { VERIFY_OUTCOMES } from "./analytics-types";
import { discardBufferedUsageForTesting, flushUsage, recordUsage } from "./buffer";
import { CLIENT_IP_LAST_SEEN_PRECISION_MS } from "./flush-sql";
import { recordUsageReport } from "./report";
import { usageEvent } from "./test-support";

setupTestDatabase();
setupTestCounters();
afterAll(() => discardBufferedUsageForTesting());

// The rollups must equal a GROUP BY over the raw events, exactly, for a data set written
// through the real paths (verifications with budget reservations, usage reports that
// settle them, buffered events of every outcome) and for events that arrive after their
// buckets were already rolled up.
//
// Cost: a rollup adds each event's net budget charge. A verification adds what it
// reserved (its costCents); a report adds its actual cost minus the reservation it
// settles (the VERIFY row whose requestId is `reservation:<report's requestId>`), so the
// raw side computes exactly that with a join.

let tenant: TestTenant;
let other: TestTenant;
let budgeted: TestKey;
let plain: TestKey;
let extra: TestKey;
const ctx = () => ({ tenantId: tenant.id, rootKeyId: "rk_test" });

const BASE = Date.UTC(2030, 2, 30, 22, 0, 0);

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  ({ tenant: other } = await createTenantWithOwner());
  budgeted = await insertKey(tenant.id, { budgetCents: 1_000_000, budgetPeriod: "TOTAL" });
  plain = await insertKey(tenant.id);
  extra = await insertKey(tenant.id, { budgetCents: 500_000, budgetPeriod: "MONTHLY" });
});

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

const OUTCOMES: UsageOutcome[] = VERIFY_OUTCOMES.filter((o) => o !== "NOT_FOUND");

/** Events spread over ~3 days: verifications that reserve, reports, and buffered ones. */
async function generate(seed: number, count: number, spanMs: number): Promise<void> {
  const random = rng(seed);
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const now = BASE + Math.floor(random() * spanMs);
    const roll = random();
    if (roll < 0.25) {
      // A budgeted verification (reservation written synchronously), half of them settled
      // by a report for a different actual cost.
      const key = random() < 0.5 ? budgeted : extra;
      const cost = 1 + Math.floor(random() * 30);
      const settle = random() < 0.5;
      const actual = Math.floor(random() * 60);
      const tokens = Math.floor(random() * 5_000);
      calls.push(
        verifyKey({ key: key.plaintext, cost, ip: `10.0.${i % 3}.${i % 7}` }, ctx(), { now }).then(
          async (result) => {
            if (settle && result.code === "VALID") {
              await recordUsageReport(
                ctx(),
                { requestId: result.requestId, costCents: actual, tokens },
                { now: now + Math.floor(random() * 3 * 3_600_000) },
              );
            }
          },
        ),
      );
    } else if (roll < 0.32) {
      // A report without a reservation: it adds its whole cost.
      calls.push(
        recordUsageReport(
          ctx(),
          {
            keyId: plain.id,
            requestId: `r-${seed}-${i}`,
            costCents: Math.floor(random() * 90),
            tokens: Math.floor(random() * 9_000),
          },
          { now },
        ),
      );
    } else if (roll < 0.37) {
      calls.push(verifyKey({ key: "kp_doesnotexist0000000000000000" }, ctx(), { now }));
    } else {
      // Buffered events of every outcome, as the verify path records them.
      const key = [budgeted, plain, extra][Math.floor(random() * 3)] as TestKey;
      const outcome = OUTCOMES[Math.floor(random() * OUTCOMES.length)] as UsageOutcome;
      recordUsage(
        usageEvent({
          tenantId: tenant.id,
          keyId: key.id,
          time: now,
          outcome,
          endpoint: "/v1/things",
          ip: random() < 0.8 ? `192.0.2.${Math.floor(random() * 12)}` : null,
          latencyUs: 80,
        }),
      );
    }
  }
  await Promise.all(calls);
  await flushUsage();
}

type Row = {
  keyId?: string;
  bucket: Date;
  outcome: string;
  count: number | bigint;
  cost: number | bigint;
  tokens: number | bigint;
};

const text = (rows: Row[]) =>
  rows
    .map(
      (r) =>
        `${r.keyId ?? "*"}|${r.bucket.toISOString()}|${r.outcome}|${Number(r.count)}|${Number(r.cost)}|${Number(r.tokens)}`,
    )
    .sort();

/**
 * Cost and tokens of the tenant's raw events (tenant id $1), a report counting its net
 * charge: its cost minus the reservation it settles.
 */
const NET_COST_AND_TOKENS = `sum(CASE WHEN e."kind" = 'REPORT' THEN e."costCents" - COALESCE(r."costCents", 0) ELSE e."costCents" END) AS "cost",
       sum(e."tokens") AS "tokens"
     FROM "UsageEventLog" e
     LEFT JOIN "UsageEvent" r ON e."kind" = 'REPORT' AND r."tenantId" = e."tenantId"
       AND r."kind" = 'VERIFY' AND r."requestId" = 'reservation:' || e."requestId"
     WHERE e."tenantId" = $1`;

/** The raw events grouped like a rollup, with each event's net budget charge as cost. */
async function raw(unit: "minute" | "hour" | "day", perKey: boolean): Promise<string[]> {
  const key = perKey ? `COALESCE(e."keyId", '') AS "keyId",` : "";
  const rows = await db().$queryRawUnsafe<Row[]>(
    `SELECT ${key} date_trunc('${unit}', e."time") AS "bucket", e."outcome"::text AS "outcome",
       count(*) AS "count",
       ${NET_COST_AND_TOKENS}
     GROUP BY ${perKey ? "1, 2, 3" : "1, 2"}`,
    tenant.id,
  );
  return text(rows);
}

async function stored(table: string, perKey: boolean): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<Row[]>(
    `SELECT ${perKey ? `"keyId",` : ""} "bucket", "outcome"::text AS "outcome", "count",
       "costCents" AS "cost", "tokens"
     FROM "${table}" WHERE "tenantId" = $1`,
    tenant.id,
  );
  return text(rows);
}

type KeyDayRow = {
  keyId: string;
  bucket: Date;
  requests: number | bigint;
  denials: number | bigint;
  cost: number | bigint;
  tokens: number | bigint;
};

const keyDayText = (rows: KeyDayRow[]) =>
  rows
    .map(
      (r) =>
        `${r.keyId}|${r.bucket.toISOString()}|${Number(r.requests)}|${Number(r.denials)}|${Number(r.cost)}|${Number(r.tokens)}`,
    )
    .sort();

/**
 * The raw events per key and UTC day over all outcomes: requests are verifications (not
 * REPORTED), denials the verifications neither VALID nor REPORTED, cost the net charge.
 */
async function keyDaysRaw(): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<KeyDayRow[]>(
    `SELECT COALESCE(e."keyId", '') AS "keyId", date_trunc('day', e."time") AS "bucket",
       count(*) FILTER (WHERE e."outcome" <> 'REPORTED') AS "requests",
       count(*) FILTER (WHERE e."outcome" NOT IN ('VALID', 'REPORTED')) AS "denials",
       ${NET_COST_AND_TOKENS}
     GROUP BY 1, 2`,
    tenant.id,
  );
  return keyDayText(rows);
}

async function keyDaysStored(): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<KeyDayRow[]>(
    `SELECT "keyId", "bucket", "requests", "denials", "costCents" AS "cost", "tokens"
     FROM "UsageKeyDay" WHERE "tenantId" = $1`,
    tenant.id,
  );
  return keyDayText(rows);
}

type IpRow = { pair: string; last: number };

/**
 * Per key and client IP: "keyId|ip|firstSeen|count" (exact) and lastSeen apart, which
 * may lag the pair's last event by up to CLIENT_IP_LAST_SEEN_PRECISION_MS.
 */
async function ipsRaw(): Promise<IpRow[]> {
  const rows = await db().$queryRawUnsafe<
    { keyId: string; ip: string; first: Date; last: Date; count: bigint | number }[]
  >(
    `SELECT "keyId", "ip", min("time") AS "first", max("time") AS "last", count(*) AS "count"
     FROM "UsageEventLog" WHERE "tenantId" = $1 AND "keyId" IS NOT NULL AND "ip" IS NOT NULL AND "ip" <> ''
     GROUP BY 1, 2`,
    tenant.id,
  );
  return rows
    .map((r) => ({
      pair: `${r.keyId}|${r.ip}|${r.first.toISOString()}|${Number(r.count)}`,
      last: r.last.getTime(),
    }))
    .sort((a, b) => (a.pair < b.pair ? -1 : 1));
}

async function ipsStored(): Promise<IpRow[]> {
  const rows = await db().usageClientIp.findMany({ where: { tenantId: tenant.id } });
  return rows
    .map((r) => ({
      pair: `${r.keyId}|${r.ip}|${r.firstSeen.toISOString()}|${r.count}`,
      last: r.lastSeen.getTime(),
    }))
    .sort((a, b) => (a.pair < b.pair ? -1 : 1));
}

async function expectIpsEqualRaw(): Promise<void> {
  const raw = await ipsRaw();
  const stored = await ipsStored();
  expect(raw.length).toBeGreaterThan(0);
  expect(stored.map((r) => r.pair)).toEqual(raw.map((r) => r.pair));
  stored.forEach((r, i) => {
    const lag = (raw[i]?.last ?? 0) - r.last;
    expect(lag, r.pair).toBeGreaterThanOrEqual(0);
    expect(lag, r.pair).toBeLessThanOrEqual(CLIENT_IP_LAST_SEEN_PRECISION_MS);
  });
}

const TABLES = [
  ["UsageMinute", "minute", true],
  ["UsageHour", "hour", true],
  ["UsageDay", "day", true],
  ["UsageTenantMinute", "minute", false],
  ["UsageTenantHour", "hour", false],
  ["UsageTenantDay", "day", false],
] as const;

async function expectRollupsEqualRaw(): Promise<void> {
  for (const [table, unit, perKey] of TABLES) {
    const expected = await raw(unit, perKey);
    expect(expected.length).toBeGreaterThan(0);
    expect({ table, rows: await stored(table, perKey) }).toEqual({ table, rows: expected });
  }
  const keyDays = await keyDaysRaw();
  // Several keys and days, with denials, cost and tokens, so every column is exercised.
  expect(keyDays.length).toBeGreaterThan(6);
  const columns = keyDays.map((r) => r.split("|").slice(2).map(Number));
  for (const column of [1, 2, 3]) expect(columns.some((c) => (c[column] ?? 0) > 0)).toBe(true);
  expect({ table: "UsageKeyDay", rows: await keyDaysStored() }).toEqual({
    table: "UsageKeyDay",
    rows: keyDays,
  });
  await expectIpsEqualRaw();
}

function ipEvent(keyId: string, ip: string, time: number) {
  recordUsage(usageEvent({ tenantId: tenant.id, keyId, time, ip, latencyUs: 1 }));
}

describe("client IPs", () => {
  it("keep firstSeen and count exact, and lastSeen within its precision", async () => {
    const key = await insertKey(tenant.id);
    const ip = "203.0.113.9";
    const t = BASE + 7 * 86_400_000;
    const seen = async () => {
      const row = await db().usageClientIp.findUniqueOrThrow({
        where: { tenantId_keyId_ip: { tenantId: tenant.id, keyId: key.id, ip } },
      });
      return [row.firstSeen.getTime() - t, row.lastSeen.getTime() - t, Number(row.count)];
    };
    ipEvent(key.id, ip, t);
    ipEvent(key.id, ip, t + 5_000);
    await flushUsage();
    // One batch: exact.
    expect(await seen()).toEqual([0, 5_000, 2]);
    // A later batch within the precision leaves lastSeen where it was.
    ipEvent(key.id, ip, t + 5_000 + CLIENT_IP_LAST_SEEN_PRECISION_MS);
    await flushUsage();
    expect(await seen()).toEqual([0, 5_000, 3]);
    // Beyond it, lastSeen moves to the batch's last event.
    ipEvent(key.id, ip, t + 5_001 + CLIENT_IP_LAST_SEEN_PRECISION_MS);
    ipEvent(key.id, ip, t + 3 * CLIENT_IP_LAST_SEEN_PRECISION_MS);
    await flushUsage();
    expect(await seen()).toEqual([0, 3 * CLIENT_IP_LAST_SEEN_PRECISION_MS, 5]);
    // A late event moves firstSeen back and never moves lastSeen back.
    ipEvent(key.id, ip, t - 3_600_000);
    await flushUsage();
    expect(await seen()).toEqual([-3_600_000, 3 * CLIENT_IP_LAST_SEEN_PRECISION_MS, 6]);
  });
});

describe("usage rollups", () => {
  it("equal the raw events per bucket and outcome, late events included", async () => {
    // Another tenant's traffic in the same buckets must not leak into this tenant's rows.
    const foreign = await insertKey(other.id);
    for (let i = 0; i < 50; i++) {
      recordUsage({
        tenantId: other.id,
        keyId: foreign.id,
        time: BASE + i * 60_000,
        kind: "VERIFY",
        outcome: "VALID",
        costCents: 3,
        tokens: 0,
        endpoint: null,
        resource: null,
        ip: "192.0.2.1",
        latencyUs: 1,
        requestId: null,
        rollupCostCents: 3,
        persisted: false,
      });
    }
    // Three days across a month boundary, in minutes, hours and days.
    await generate(1, 1_500, 3 * 86_400_000);
    await expectRollupsEqualRaw();

    const [counts] = await db().$queryRawUnsafe<{ reports: bigint; settled: bigint }[]>(
      `SELECT count(*) FILTER (WHERE e."kind" = 'REPORT') AS "reports",
              count(r."id") AS "settled"
       FROM "UsageEventLog" e LEFT JOIN "UsageEvent" r ON e."kind" = 'REPORT' AND r."tenantId" = e."tenantId"
         AND r."requestId" = 'reservation:' || e."requestId"
       WHERE e."tenantId" = $1`,
      tenant.id,
    );
    // The data set exercises settlement: reports with and without a reservation.
    expect(Number(counts?.settled)).toBeGreaterThan(20);
    expect(Number(counts?.reports)).toBeGreaterThan(Number(counts?.settled));

    // Late arrivals: a second batch into buckets that are already rolled up (the first
    // day and the first hours), plus a few new ones.
    const before = await stored("UsageHour", true);
    await generate(2, 600, 6 * 3_600_000);
    expect(await stored("UsageHour", true)).not.toEqual(before);
    await expectRollupsEqualRaw();
  });
});
