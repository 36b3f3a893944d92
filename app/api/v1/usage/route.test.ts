import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertRootKey, jsonOf, post } from "@/lib/api/test-support";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { POST as verifyPost } from "../keys/verify/route";
import { POST } from "./route";

setupTestDatabase();
setupTestCounters();

const URL = "http://localhost/api/v1/usage";
let tenant: TestTenant;
let rootKey: string;

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  rootKey = await insertRootKey(tenant.id, ["keys:verify", "usage:write"]);
});
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

const report = (body: unknown, key = rootKey) => POST(post(URL, body, { rootKey: key }));

describe("POST /api/v1/usage", () => {
  it("settles a verify's reservation and counts a requestId once", async () => {
    const key = await insertKey(tenant.id, { budgetCents: 1000, budgetPeriod: "TOTAL" });
    const verified = await jsonOf(
      await verifyPost(
        post("http://localhost/api/v1/keys/verify", { key: key.plaintext, cost: 200 }, { rootKey }),
      ),
    );
    expect(verified.code).toBe("VALID");
    const body = { requestId: verified.requestId, costCents: 120, tokens: 900, resource: "gpt-4o" };
    const first = await report(body);
    expect(first.status).toBe(200);
    expect(await jsonOf(first)).toEqual({ recorded: true });
    expect(await jsonOf(await report(body))).toEqual({ recorded: false });
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.budgetSpentCents).toBe(120);
  });

  it("counts a report of a verification without cost for its key, and refuses an unknown requestId", async () => {
    const key = await insertKey(tenant.id, { budgetCents: 1000, budgetPeriod: "TOTAL" });
    const verified = await jsonOf(
      await verifyPost(
        post("http://localhost/api/v1/keys/verify", { key: key.plaintext }, { rootKey }),
      ),
    );
    expect(verified.code).toBe("VALID");
    const first = await report({ requestId: verified.requestId, costCents: 7, tokens: 1234 });
    expect(await jsonOf(first)).toEqual({ recorded: true });
    const row = await db().usageEvent.findFirstOrThrow({
      where: { tenantId: tenant.id, requestId: String(verified.requestId) },
    });
    expect(row.keyId).toBe(key.id);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: key.id } })).budgetSpentCents).toBe(
      7,
    );

    const unknown = await report({
      requestId: "req_ffffffffffffffffffffffffffffffff",
      costCents: 7,
    });
    expect(unknown.status).toBe(404);
    expect(await jsonOf(unknown)).toMatchObject({
      error: {
        code: "NOT_FOUND",
        message: expect.stringContaining("send keyId"),
        fields: { requestId: [expect.stringContaining("requestId:")] },
      },
    });
    expect(
      await db().usageEvent.count({
        where: { tenantId: tenant.id, requestId: "req_ffffffffffffffffffffffffffffffff" },
      }),
    ).toBe(0);
  });

  it("answers 401, 403, 400 and 404", async () => {
    expect((await POST(post(URL, { requestId: "a" }))).status).toBe(401);
    const verifier = await insertRootKey(tenant.id, ["keys:verify"]);
    expect((await report({ requestId: "a" }, verifier)).status).toBe(403);
    const missing = await report({ costCents: 1 });
    expect(missing.status).toBe(400);
    expect(await jsonOf(missing)).toMatchObject({ error: { message: "requestId: Required" } });
    const long = await jsonOf(await report({ requestId: "x".repeat(129) }));
    expect(long).toMatchObject({ error: { fields: { requestId: expect.any(Array) } } });
    const negative = await jsonOf(await report({ requestId: "a", tokens: -1 }));
    expect(negative).toMatchObject({ error: { fields: { tokens: expect.any(Array) } } });
    expect((await report({ requestId: "reservation:req_x" })).status).toBe(400);
    expect((await report("{")).status).toBe(400);
    const unknown = await report({ requestId: "a", keyId: "nope" });
    expect(unknown.status).toBe(404);
    expect(await jsonOf(unknown)).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
