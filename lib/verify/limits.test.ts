import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { reservationRequestId } from "./budget";
import { verifyKey } from "./engine";
import { insertKey, setupTestCounters } from "./test-support";

// Rate limits and budgets: exact counts under concurrency, refunds, monthly resets.

setupTestDatabase();
setupTestCounters();

let tenant: TestTenant;
const ctx = () => ({ tenantId: tenant.id, rootKeyId: "rk_test" });

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
});
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

function codes(results: { code: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.code] = (counts[r.code] ?? 0) + 1;
  return counts;
}

const spentOf = async (id: string) =>
  (await db().apiKey.findUniqueOrThrow({ where: { id }, select: { budgetSpentCents: true } }))
    .budgetSpentCents;

describe("budget", () => {
  it("200 simultaneous verifies against a budget for exactly 100 → exactly 100 VALID", async () => {
    const key = await insertKey(tenant.id, { budgetCents: 300, budgetPeriod: "TOTAL" });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => verifyKey({ key: key.plaintext, cost: 3 }, ctx())),
    );
    expect(codes(results)).toEqual({ VALID: 100, USAGE_EXCEEDED: 100 });
    expect(await spentOf(key.id)).toBe(300);
    for (const r of results) expect(r.budget?.remainingCents).toBeGreaterThanOrEqual(0);
    // Every reservation left its usage row, carrying what it reserved.
    const reservations = await db().usageEvent.findMany({
      where: { keyId: key.id, requestId: { startsWith: "reservation:" } },
      select: { costCents: true, requestId: true, outcome: true },
    });
    expect(reservations).toHaveLength(100);
    const valid = new Set(
      results.filter((r) => r.valid).map((r) => reservationRequestId(r.requestId)),
    );
    for (const row of reservations) {
      expect(row).toMatchObject({ costCents: 3, outcome: "VALID" });
      expect(valid.has(row.requestId ?? "")).toBe(true);
    }
  });

  it("never reserves past the budget; cost 0 reserves nothing", async () => {
    const key = await insertKey(tenant.id, { budgetCents: 10, budgetPeriod: "TOTAL" });
    const first = await verifyKey({ key: key.plaintext, cost: 7 }, ctx());
    expect(first.budget).toEqual({ limitCents: 10, remainingCents: 3, period: "TOTAL" });
    const denied = await verifyKey({ key: key.plaintext, cost: 4 }, ctx());
    expect(denied).toMatchObject({ code: "USAGE_EXCEEDED", budget: { remainingCents: 3 } });
    expect((await verifyKey({ key: key.plaintext, cost: 3 }, ctx())).budget?.remainingCents).toBe(
      0,
    );
    expect((await verifyKey({ key: key.plaintext }, ctx())).code).toBe("VALID");
    expect(await spentOf(key.id)).toBe(10);
  });

  it("resets a MONTHLY budget at the start of the UTC month", async () => {
    const key = await insertKey(tenant.id, {
      budgetCents: 10,
      budgetPeriod: "MONTHLY",
      budgetSpentCents: 10,
      budgetPeriodStart: new Date(Date.UTC(2031, 0, 1)),
    });
    const at = (now: number, cost = 1) => verifyKey({ key: key.plaintext, cost }, ctx(), { now });
    expect((await at(Date.UTC(2031, 0, 31, 23, 59, 59, 999))).code).toBe("USAGE_EXCEEDED");
    const february = await at(Date.UTC(2031, 1, 1));
    expect(february).toMatchObject({
      code: "VALID",
      budget: { limitCents: 10, remainingCents: 9, period: "MONTHLY" },
    });
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.budgetSpentCents).toBe(1);
    expect(row.budgetPeriodStart?.toISOString()).toBe("2031-02-01T00:00:00.000Z");
    expect((await at(Date.UTC(2031, 1, 2), 9)).budget?.remainingCents).toBe(0);
    expect((await at(Date.UTC(2031, 1, 3))).code).toBe("USAGE_EXCEEDED");
  });
});

describe("rate limits", () => {
  it("a per-minute limit of 60 hit by 100 simultaneous calls → exactly 60 VALID", async () => {
    const key = await insertKey(tenant.id, { rateLimitPerMinute: 60, rateLimitPerDay: 1000 });
    // The last call is a minute later and must fall in the same UTC day as the others.
    const DAY = 86_400_000;
    const now = Math.min(Date.now(), Math.floor(Date.now() / DAY) * DAY + DAY - 120_000);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => verifyKey({ key: key.plaintext }, ctx(), { now })),
    );
    expect(codes(results)).toEqual({ VALID: 60, RATE_LIMITED: 40 });
    const limited = results.find((r) => r.code === "RATE_LIMITED");
    expect(limited?.ratelimits?.find((w) => w.window === "minute")?.remaining).toBe(0);
    // Denied calls counted in no window: the day window holds exactly the 60.
    const next = await verifyKey({ key: key.plaintext }, ctx(), { now: now + 60_000 });
    expect(next.ratelimits?.find((w) => w.window === "day")?.remaining).toBe(1000 - 61);
  });

  it("a call denied by the budget does not count in the rate limits", async () => {
    const key = await insertKey(tenant.id, {
      rateLimitPerMinute: 2,
      budgetCents: 5,
      budgetPeriod: "TOTAL",
    });
    const now = Date.now();
    const call = (cost: number) => verifyKey({ key: key.plaintext, cost }, ctx(), { now });
    expect((await call(5)).code).toBe("VALID");
    const denied = await call(1);
    expect(denied.code).toBe("USAGE_EXCEEDED");
    expect(denied.ratelimits?.[0]?.remaining).toBe(1);
    expect((await call(0)).code).toBe("VALID");
    expect((await call(0)).code).toBe("RATE_LIMITED");
  });

  it("under concurrency, only calls that pass the budget stay counted", async () => {
    const key = await insertKey(tenant.id, {
      rateLimitPerMinute: 150,
      budgetCents: 100,
      budgetPeriod: "TOTAL",
    });
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => verifyKey({ key: key.plaintext, cost: 1 }, ctx(), { now })),
    );
    expect(codes(results).VALID).toBe(100);
    expect(await spentOf(key.id)).toBe(100);
    const next = await verifyKey({ key: key.plaintext }, ctx(), { now });
    expect(next.ratelimits?.[0]?.remaining).toBe(150 - 101);
  });
});
