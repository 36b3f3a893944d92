import { describe, expect, it } from "vitest";
import { createOrg } from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { flushUsage, recordUsage } from "@/lib/usage/buffer";
import { usageEvent } from "@/lib/usage/test-support";
import type { UsageEventInput } from "@/lib/usage/types";
import { insertKey } from "@/lib/verify/test-support";
import { exportUsageCsv } from "./usage-csv";

setupTestDatabase();

function verification(
  tenantId: string,
  keyId: string,
  outcome: UsageEventInput["outcome"],
  time: number,
): UsageEventInput {
  return usageEvent({ tenantId, keyId, time, outcome, ip: "203.0.113.9", latencyUs: 100 });
}

function parse(body: string): { header: string[]; rows: string[][] } {
  const [header = [], ...rows] = body
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(","));
  return { header, rows };
}

function sum(csv: { header: string[]; rows: string[][] }, column: string): number {
  const i = csv.header.indexOf(column);
  expect(i).toBeGreaterThanOrEqual(0);
  return csv.rows.reduce((total, row) => total + Number(row[i]), 0);
}

describe("exportUsageCsv", () => {
  it("writes the chart's numbers for the tenant, and nothing of another tenant's key", async () => {
    const a = await createOrg();
    const b = await createOrg();
    const keyA = await insertKey(a.tenant.id, { name: "Checkout, EU" });
    const keyB = await insertKey(b.tenant.id);
    const now = Date.now();
    for (let i = 0; i < 4; i++)
      recordUsage(verification(a.tenant.id, keyA.id, "VALID", now - 60_000));
    recordUsage(verification(a.tenant.id, keyA.id, "RATE_LIMITED", now - 60_000));
    for (let i = 0; i < 7; i++)
      recordUsage(verification(b.tenant.id, keyB.id, "VALID", now - 60_000));
    await flushUsage();
    const at = new Date(now);

    // A viewer of tenant A reads the tenant's requests: only A's five calls.
    const tenantCsv = await exportUsageCsv(
      a.viewer.ctx,
      new URLSearchParams("chart=requests&range=24h"),
      at,
    );
    expect(tenantCsv.ok).toBe(true);
    if (!tenantCsv.ok) return;
    expect(tenantCsv.filename).toBe(`usage-${a.tenant.slug}-requests-24h.csv`);
    const requests = parse(tenantCsv.body);
    expect(requests.header[0]).toBe("bucket_start");
    expect(sum(requests, "valid")).toBe(4);
    expect(sum(requests, "rate_limited")).toBe(1);
    expect(sum(requests, "total")).toBe(5);

    // The key's own export, and the top keys with the name quoted (it holds a comma).
    const keyCsv = await exportUsageCsv(
      a.owner.ctx,
      new URLSearchParams(`chart=requests&range=24h&key=${keyA.id}`),
      at,
    );
    expect(keyCsv.ok && sum(parse(keyCsv.body), "total")).toBe(5);
    const top = await exportUsageCsv(
      a.owner.ctx,
      new URLSearchParams("chart=top-requests&range=24h"),
      at,
    );
    expect(top.ok && top.body).toContain(`${keyA.id},"Checkout, EU",`);
    expect(top.ok && top.body).not.toContain(keyB.id);

    // Tenant A asking for tenant B's key gets "not found", never B's numbers.
    const foreign = await exportUsageCsv(
      a.owner.ctx,
      new URLSearchParams(`chart=requests&range=24h&key=${keyB.id}`),
      at,
    );
    expect(foreign).toEqual({
      ok: false,
      status: 404,
      message: "key: no such key in this tenant.",
    });
    const denials = await exportUsageCsv(
      a.owner.ctx,
      new URLSearchParams(`chart=denials&range=24h&key=${keyB.id}`),
      at,
    );
    expect(denials.ok).toBe(false);
  });

  it("answers 400 naming the field for an unknown chart or an invalid range", async () => {
    const a = await createOrg();
    const chart = await exportUsageCsv(a.owner.ctx, new URLSearchParams("chart=pie&range=7d"));
    expect(chart).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/^chart: /),
    });
    const range = await exportUsageCsv(
      a.owner.ctx,
      new URLSearchParams("chart=cost&from=2026-02-31"),
    );
    expect(range).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringMatching(/^range: /),
    });
  });
});
