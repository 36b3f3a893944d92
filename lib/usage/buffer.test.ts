import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { verifyKey } from "@/lib/verify/engine";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { discardBufferedUsageForTesting, flushUsage, usageBufferStats } from "./buffer";
import { aggregate, CLIENT_IP_LAST_SEEN_PRECISION_MS, LAST_USED_PRECISION_MS } from "./flush-sql";
import { recordUsageReport } from "./report";

setupTestDatabase();
setupTestCounters();

let tenant: TestTenant;
const ctx = () => ({ tenantId: tenant.id, rootKeyId: "rk_test" });

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
});
afterAll(() => discardBufferedUsageForTesting());

type Row = {
  keyId: string;
  bucket: Date;
  outcome: string;
  count: bigint | number;
  cost: bigint | number;
  tokens: bigint | number;
};

/** The raw events of the tenant grouped like a rollup table, as sorted text. */
async function rawGrouped(unit: "minute" | "hour" | "day"): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<Row[]>(
    `SELECT COALESCE("keyId", '') AS "keyId", date_trunc('${unit}', "time") AS "bucket", "outcome"::text AS "outcome",
       count(*)::int AS "count", 0 AS "cost", sum("tokens") AS "tokens"
     FROM "UsageEventLog" WHERE "tenantId" = $1 GROUP BY 1, 2, 3`,
    tenant.id,
  );
  return rows
    .map((r) => `${r.keyId}|${r.bucket.toISOString()}|${r.outcome}|${r.count}|${Number(r.tokens)}`)
    .sort();
}

async function rollup(table: "UsageMinute" | "UsageHour" | "UsageDay"): Promise<string[]> {
  const rows = await db().$queryRawUnsafe<Row[]>(
    `SELECT "keyId", "bucket", "outcome"::text AS "outcome", "count", "costCents" AS "cost", "tokens" FROM "${table}" WHERE "tenantId" = $1`,
    tenant.id,
  );
  return rows
    .map((r) => `${r.keyId}|${r.bucket.toISOString()}|${r.outcome}|${r.count}|${Number(r.tokens)}`)
    .sort();
}

/** Tenant-wide rollup rows next to the raw events grouped the same way. */
async function tenantRollupVsRaw(
  table: "UsageTenantMinute" | "UsageTenantHour" | "UsageTenantDay",
  unit: "minute" | "hour" | "day",
): Promise<[string[], string[]]> {
  const text = (rows: Row[]) =>
    rows.map((r) => `${r.bucket.toISOString()}|${r.outcome}|${r.count}|${Number(r.tokens)}`).sort();
  const stored = await db().$queryRawUnsafe<Row[]>(
    `SELECT "bucket", "outcome"::text AS "outcome", "count", "tokens" FROM "${table}" WHERE "tenantId" = $1`,
    tenant.id,
  );
  const raw = await db().$queryRawUnsafe<Row[]>(
    `SELECT date_trunc('${unit}', "time") AS "bucket", "outcome"::text AS "outcome",
       count(*)::int AS "count", sum("tokens") AS "tokens"
     FROM "UsageEventLog" WHERE "tenantId" = $1 GROUP BY 1, 2`,
    tenant.id,
  );
  return [text(stored), text(raw)];
}

async function rollupCost(
  table: "UsageMinute" | "UsageHour" | "UsageDay" | "UsageTenantHour" | "UsageTenantDay",
): Promise<number> {
  const rows = await db().$queryRawUnsafe<{ total: bigint | number | null }[]>(
    `SELECT sum("costCents") AS "total" FROM "${table}" WHERE "tenantId" = $1`,
    tenant.id,
  );
  return Number(rows[0]?.total ?? 0);
}

describe("usage buffer", () => {
  it("writes every verification, rolls them up per minute and hour, and sets lastUsedAt", async () => {
    const plain = await insertKey(tenant.id);
    const budgeted = await insertKey(tenant.id, { budgetCents: 1000, budgetPeriod: "TOTAL" });
    const base = Date.UTC(2030, 4, 1, 11, 58, 30);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 150; i++) {
      // Spread over three minutes and two hours, with several outcomes.
      const now = base + i * 1000;
      const ip = `10.0.0.${i % 3}`;
      calls.push(verifyKey({ key: plain.plaintext, ip }, ctx(), { now }));
      calls.push(verifyKey({ key: budgeted.plaintext, cost: 2 }, ctx(), { now }));
      if (i % 10 === 0) calls.push(verifyKey({ key: "kp_bogus" }, ctx(), { now }));
    }
    await Promise.all(calls);
    expect(usageBufferStats().pending).toBeGreaterThan(0);
    await flushUsage();
    expect(usageBufferStats().pending).toBe(0);

    const [{ events }] = await db().$queryRaw<[{ events: number }]>`
      SELECT count(*)::int AS "events" FROM "UsageEventLog" WHERE "tenantId" = ${tenant.id}`;
    expect(events).toBe(150 + 150 + 15);
    expect(await rollup("UsageMinute")).toEqual(await rawGrouped("minute"));
    expect(await rollup("UsageHour")).toEqual(await rawGrouped("hour"));
    expect(await rollup("UsageDay")).toEqual(await rawGrouped("day"));
    for (const [table, unit] of [
      ["UsageTenantMinute", "minute"],
      ["UsageTenantHour", "hour"],
      ["UsageTenantDay", "day"],
    ] as const) {
      const [stored, raw] = await tenantRollupVsRaw(table, unit);
      expect(stored).toEqual(raw);
    }
    for (const table of [
      "UsageMinute",
      "UsageHour",
      "UsageDay",
      "UsageTenantHour",
      "UsageTenantDay",
    ] as const) {
      expect(await rollupCost(table)).toBe(300);
    }
    const ips = await db().usageClientIp.findMany({
      where: { tenantId: tenant.id },
      orderBy: { ip: "asc" },
    });
    expect(ips.map((r) => [r.keyId, r.ip, Number(r.count), r.firstSeen.getTime()])).toEqual([
      [plain.id, "10.0.0.0", 50, base],
      [plain.id, "10.0.0.1", 50, base + 1000],
      [plain.id, "10.0.0.2", 50, base + 2000],
    ]);
    // lastSeen is exact when one batch held every call; if the flush timer split them, a
    // later batch moves it only when it is more than the precision behind.
    ips.forEach((r, i) => {
      const lag = base + 147_000 + i * 1000 - r.lastSeen.getTime();
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(CLIENT_IP_LAST_SEEN_PRECISION_MS);
    });
    const last = new Date(base + 149 * 1000);
    for (const id of [plain.id, budgeted.id]) {
      const key = await db().apiKey.findUniqueOrThrow({
        where: { id },
        select: { lastUsedAt: true },
      });
      // Exact when one batch held every call; if the flush timer split them, the later
      // batch moves it only when it is more than LAST_USED_PRECISION_MS behind.
      const lag = last.getTime() - (key.lastUsedAt?.getTime() ?? 0);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(LAST_USED_PRECISION_MS);
    }
    // A later batch adds to the existing buckets instead of replacing them.
    await verifyKey({ key: plain.plaintext, ip: "10.0.0.1" }, ctx(), { now: base - 60_000 });
    await flushUsage();
    expect(await rollup("UsageMinute")).toEqual(await rawGrouped("minute"));
    expect(await rollup("UsageDay")).toEqual(await rawGrouped("day"));
    const [stored, raw] = await tenantRollupVsRaw("UsageTenantMinute", "minute");
    expect(stored).toEqual(raw);
    const seen = await db().usageClientIp.findUniqueOrThrow({
      where: { tenantId_keyId_ip: { tenantId: tenant.id, keyId: plain.id, ip: "10.0.0.1" } },
    });
    expect([Number(seen.count), seen.firstSeen.getTime()]).toEqual([51, base - 60_000]);
    expect(seen.lastSeen.getTime()).toBe(ips[1]?.lastSeen.getTime());
  });

  it("rolls reports up as the net charge, so rollup cost equals actual cost", async () => {
    const key = await insertKey(tenant.id, { budgetCents: 1000, budgetPeriod: "TOTAL" });
    const before = await rollupCost("UsageHour");
    const verified = await verifyKey({ key: key.plaintext, cost: 50 }, ctx());
    await recordUsageReport(ctx(), { requestId: verified.requestId, costCents: 30, tokens: 7 });
    await flushUsage();
    expect((await rollupCost("UsageHour")) - before).toBe(30);
  });

  it("aggregates a batch into one row per bucket", () => {
    const event = {
      tenantId: "t",
      keyId: "k",
      kind: "VERIFY" as const,
      outcome: "VALID" as const,
      costCents: 1,
      tokens: 2,
      endpoint: null,
      resource: null,
      ip: null,
      latencyUs: null,
      requestId: null,
      rollupCostCents: 1,
      persisted: false,
    };
    const rows = aggregate(
      [
        { ...event, time: 60_000 },
        { ...event, time: 119_999 },
        { ...event, time: 120_000, keyId: null },
      ],
      60_000,
    );
    expect(rows).toEqual([
      { tenantId: "t", keyId: "", bucket: 120_000, outcome: "VALID", count: 1, cost: 1, tokens: 2 },
      { tenantId: "t", keyId: "k", bucket: 60_000, outcome: "VALID", count: 2, cost: 2, tokens: 4 },
    ]);
  });
});
