import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { verifyKey } from "@/lib/verify/engine";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { discardBufferedUsageForTesting, flushUsage } from "./buffer";
import { recordUsageReport, UsageReportError } from "./report";

setupTestDatabase();
setupTestCounters();

let tenant: TestTenant;
let other: TestTenant;
const ctx = () => ({ tenantId: tenant.id, rootKeyId: "rk_test" });

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  ({ tenant: other } = await createTenantWithOwner());
});
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

const spentOf = async (id: string) =>
  (await db().apiKey.findUniqueOrThrow({ where: { id }, select: { budgetSpentCents: true } }))
    .budgetSpentCents;

describe("usage reports", () => {
  it("settles a reservation by the difference, once per requestId", async () => {
    const key = await insertKey(tenant.id, { budgetCents: 1000, budgetPeriod: "TOTAL" });
    const verified = await verifyKey({ key: key.plaintext, cost: 100 }, ctx());
    expect(await spentOf(key.id)).toBe(100);
    const report = { requestId: verified.requestId, costCents: 40, tokens: 12 };
    expect(await recordUsageReport(ctx(), report)).toEqual({ recorded: true });
    expect(await spentOf(key.id)).toBe(40);
    expect(await recordUsageReport(ctx(), { ...report, costCents: 999 })).toEqual({
      recorded: false,
    });
    expect(await spentOf(key.id)).toBe(40);
    const rows = await db().usageEvent.findMany({
      where: { tenantId: tenant.id, requestId: verified.requestId },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: "REPORT",
      outcome: "REPORTED",
      keyId: key.id,
      costCents: 40,
      tokens: 12,
    });
  });

  it("counts concurrent duplicates once", async () => {
    const key = await insertKey(tenant.id, { budgetCents: 1000, budgetPeriod: "TOTAL" });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        recordUsageReport(ctx(), { keyId: key.id, requestId: "dup-1", costCents: 10, tokens: 0 }),
      ),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    expect(await spentOf(key.id)).toBe(10);
  });

  it("never drives the spend below zero and accepts the key itself", async () => {
    const key = await insertKey(tenant.id, {
      budgetCents: 1000,
      budgetPeriod: "TOTAL",
      budgetSpentCents: 5,
    });
    const verified = await verifyKey({ key: key.plaintext, cost: 500 }, ctx());
    await db().apiKey.update({ where: { id: key.id }, data: { budgetSpentCents: 100 } });
    await recordUsageReport(ctx(), {
      key: key.plaintext,
      requestId: verified.requestId,
      costCents: 0,
      tokens: 0,
    });
    expect(await spentOf(key.id)).toBe(0);
  });

  it("refuses unknown, foreign and mismatched keys", async () => {
    const mine = await insertKey(tenant.id, { budgetCents: 100, budgetPeriod: "TOTAL" });
    const second = await insertKey(tenant.id);
    const foreign = await insertKey(other.id);
    const base = { requestId: "r-x", costCents: 1, tokens: 0 };
    await expect(recordUsageReport(ctx(), { ...base, keyId: foreign.id })).rejects.toMatchObject({
      status: 404,
      field: "keyId",
    });
    await expect(
      recordUsageReport(ctx(), { ...base, key: foreign.plaintext }),
    ).rejects.toBeInstanceOf(UsageReportError);
    const verified = await verifyKey({ key: mine.plaintext, cost: 5 }, ctx());
    await expect(
      recordUsageReport(ctx(), { ...base, keyId: second.id, requestId: verified.requestId }),
    ).rejects.toMatchObject({ status: 400, field: "requestId" });
    expect(await spentOf(mine.id)).toBe(5);
  });

  it("cannot settle another tenant's reservation", async () => {
    const key = await insertKey(other.id, { budgetCents: 100, budgetPeriod: "TOTAL" });
    const verified = await verifyKey(
      { key: key.plaintext, cost: 50 },
      { tenantId: other.id, rootKeyId: "rk" },
    );
    await expect(
      recordUsageReport(ctx(), { requestId: verified.requestId, costCents: 0, tokens: 0 }),
    ).rejects.toMatchObject({ status: 404, field: "requestId" });
    expect(await spentOf(key.id)).toBe(50);
  });
});
