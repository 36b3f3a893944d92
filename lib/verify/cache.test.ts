import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { generateKey } from "@/lib/keys/format";
import { revokeKey, rollKey, suspendKey } from "@/lib/keys/lifecycle";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestMember, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { clearKeyCache, invalidateKeyHashes } from "./cache";
import { verifyKey } from "./engine";
import { insertKey, setupTestCounters } from "./test-support";

// The key cache: changes made through the key DAL are seen by the very next verify.

setupTestDatabase();
setupTestCounters();

let tenant: TestTenant;
let owner: TestMember;
const ctx = () => ({ tenantId: tenant.id, rootKeyId: "rk_test" });

beforeAll(async () => {
  ({ tenant, owner } = await createTenantWithOwner());
});
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

describe("cache", () => {
  it("sees a revocation and a suspension made through the key DAL on the very next call", async () => {
    const a = await insertKey(tenant.id);
    const b = await insertKey(tenant.id);
    expect((await verifyKey({ key: a.plaintext }, ctx())).code).toBe("VALID");
    expect((await verifyKey({ key: b.plaintext }, ctx())).code).toBe("VALID");
    await revokeKey(owner.ctx, a.id, "leaked");
    await suspendKey(owner.ctx, b.id);
    expect((await verifyKey({ key: a.plaintext }, ctx())).code).toBe("REVOKED");
    expect((await verifyKey({ key: b.plaintext }, ctx())).code).toBe("SUSPENDED");
  });

  it("sees a roll at once: the new secret verifies, the old one until its grace ends", async () => {
    const key = await insertKey(tenant.id);
    expect((await verifyKey({ key: key.plaintext }, ctx())).code).toBe("VALID");
    const rolled = await rollKey(owner.ctx, key.id, "0");
    expect((await verifyKey({ key: key.plaintext }, ctx())).code).toBe("NOT_FOUND");
    expect((await verifyKey({ key: rolled.plaintext }, ctx())).keyId).toBe(key.id);
  });

  it("caches unknown hashes until invalidated", async () => {
    const generated = generateKey("kp");
    expect((await verifyKey({ key: generated.key }, ctx())).code).toBe("NOT_FOUND");
    // Written behind the DAL's back: no event, so the negative entry still answers.
    await db().apiKey.create({
      data: {
        tenantId: tenant.id,
        name: "late",
        hash: generated.hash,
        start: generated.start,
        last4: generated.last4,
      },
    });
    expect((await verifyKey({ key: generated.key }, ctx())).code).toBe("NOT_FOUND");
    invalidateKeyHashes([generated.hash]);
    expect((await verifyKey({ key: generated.key }, ctx())).code).toBe("VALID");
    clearKeyCache();
  });
});
