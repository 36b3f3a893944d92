import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createOrg, type Org } from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { verifyKey } from "@/lib/verify/engine";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { costAndTokens, topKeys } from "./analytics";
import {
  discardBufferedUsageForTesting,
  flushUsage,
  pauseFlushTimerForTesting,
  resetUsageWriterForTesting,
} from "./buffer";
import { parseUsageRange } from "./range";
import { recordUsageReport } from "./report";

// A usage report that names only a requestId counts for the key whose verification
// answered with it, so the key's charts, "top keys by cost" and its budget see it; one
// that cannot be attributed is refused, never stored under no key.

setupTestDatabase();
setupTestCounters();

let org: Org;
let other: TestTenant;
const ctx = () => ({ tenantId: org.tenant.id, rootKeyId: "rk_test" });

beforeAll(async () => {
  org = await createOrg();
  ({ tenant: other } = await createTenantWithOwner());
});
afterEach(() => pauseFlushTimerForTesting(false));
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

const reportRows = (tenantId: string, requestId: string) =>
  db().usageEvent.findMany({ where: { tenantId, requestId }, select: { keyId: true } });
const spentOf = async (id: string) =>
  (await db().apiKey.findUniqueOrThrow({ where: { id }, select: { budgetSpentCents: true } }))
    .budgetSpentCents;

describe("usage report attribution", () => {
  it("counts a report of a verification without cost for its key, before and after the flush", async () => {
    // Only the test flushes: the first report arrives while its verification's event is
    // still in the buffer.
    pauseFlushTimerForTesting(true);
    const key = await insertKey(org.tenant.id, { budgetCents: 1_000, budgetPeriod: "TOTAL" });
    const first = await verifyKey({ key: key.plaintext }, ctx());
    expect(first.code).toBe("VALID");
    expect(
      await recordUsageReport(ctx(), { requestId: first.requestId, costCents: 7, tokens: 1234 }),
    ).toEqual({ recorded: true });
    expect(await reportRows(org.tenant.id, first.requestId)).toEqual([{ keyId: key.id }]);

    await flushUsage();
    const second = await verifyKey({ key: key.plaintext }, ctx());
    await flushUsage();
    expect(
      await recordUsageReport(ctx(), { requestId: second.requestId, costCents: 5, tokens: 10 }),
    ).toEqual({ recorded: true });
    expect(await reportRows(org.tenant.id, second.requestId)).toEqual([{ keyId: key.id }]);
    await flushUsage();

    // The key's budget, its cost chart and "top keys by cost" all see both reports.
    expect(await spentOf(key.id)).toBe(12);
    const range = parseUsageRange({ range: "24h" });
    const points = await costAndTokens(org.owner.ctx, range, key.id);
    const total = (points ?? []).reduce(
      (sum, p) => ({ cost: sum.cost + p.costCents, tokens: sum.tokens + p.tokens }),
      { cost: 0, tokens: 0 },
    );
    expect(total).toEqual({ cost: 12, tokens: 1244 });
    const top = await topKeys(org.owner.ctx, range, "cost", 10);
    expect(top.find((k) => k.keyId === key.id)).toMatchObject({ costCents: 12 });
  });

  it("answers a replayed report as before, even once this instance has forgotten the verification", async () => {
    const key = await insertKey(org.tenant.id);
    const verified = await verifyKey({ key: key.plaintext }, ctx());
    const body = { requestId: verified.requestId, costCents: 3, tokens: 1 };
    expect(await recordUsageReport(ctx(), body)).toEqual({ recorded: true });
    expect(await recordUsageReport(ctx(), body)).toEqual({ recorded: false });
    await flushUsage();
    resetUsageWriterForTesting();
    expect(await recordUsageReport(ctx(), body)).toEqual({ recorded: false });
    expect(await reportRows(org.tenant.id, verified.requestId)).toEqual([{ keyId: key.id }]);
  });

  it("refuses a requestId nobody here verified, naming requestId and telling the caller to send keyId", async () => {
    const report = recordUsageReport(ctx(), {
      requestId: "req_0123456789abcdef0123456789abcdef",
      costCents: 7,
      tokens: 1,
    });
    await expect(report).rejects.toMatchObject({
      status: 404,
      field: "requestId",
      message: expect.stringMatching(/^requestId: .*send keyId/),
    });
    expect(await reportRows(org.tenant.id, "req_0123456789abcdef0123456789abcdef")).toEqual([]);
  });

  it("refuses another tenant's requestId and key, and stores nothing", async () => {
    const foreign = await insertKey(other.id, { budgetCents: 100, budgetPeriod: "TOTAL" });
    const foreignCtx = { tenantId: other.id, rootKeyId: "rk_other" };
    for (const cost of [0, 10]) {
      const verified = await verifyKey({ key: foreign.plaintext, cost }, foreignCtx);
      expect(verified.code).toBe("VALID");
      await expect(
        recordUsageReport(ctx(), { requestId: verified.requestId, costCents: 1, tokens: 0 }),
      ).rejects.toMatchObject({ status: 404, field: "requestId" });
      await expect(
        recordUsageReport(ctx(), {
          requestId: verified.requestId,
          keyId: foreign.id,
          costCents: 1,
          tokens: 0,
        }),
      ).rejects.toMatchObject({ status: 404, field: "keyId" });
      expect(await reportRows(org.tenant.id, verified.requestId)).toEqual([]);
    }
    expect(await spentOf(foreign.id)).toBe(10);
  });

  it("refuses a report that names another key than its verification's", async () => {
    const verifiedKey = await insertKey(org.tenant.id);
    const otherKey = await insertKey(org.tenant.id);
    const verified = await verifyKey({ key: verifiedKey.plaintext }, ctx());
    await expect(
      recordUsageReport(ctx(), {
        requestId: verified.requestId,
        keyId: otherKey.id,
        costCents: 1,
        tokens: 0,
      }),
    ).rejects.toMatchObject({ status: 400, field: "requestId" });
    expect(await reportRows(org.tenant.id, verified.requestId)).toEqual([]);
  });
});
