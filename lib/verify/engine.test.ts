import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDbForTesting } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { generateKey } from "@/lib/keys/format";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { VerifyUnavailableError, verifyKey } from "./engine";
import { insertKey, insertRetiredSecret, setupTestCounters } from "./test-support";

const database = setupTestDatabase();
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

/** A client whose every query throws, standing in for an unreachable database. */
function unreachableDb(): PrismaClient {
  return new Proxy({} as PrismaClient, {
    get() {
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    },
  });
}

describe("lookup", () => {
  it("answers VALID with the key's fields", async () => {
    const key = await insertKey(tenant.id, {
      name: "billing",
      scopes: ["orders:read"],
      metadata: { plan: "pro" },
      budgetCents: 500,
      budgetPeriod: "TOTAL",
      rateLimitPerMinute: 10,
    });
    const result = await verifyKey({ key: key.plaintext }, ctx());
    expect(result).toMatchObject({
      valid: true,
      code: "VALID",
      keyId: key.id,
      name: "billing",
      scopes: ["orders:read"],
      expiresAt: null,
      budget: { limitCents: 500, remainingCents: 500, period: "TOTAL" },
      meta: { plan: "pro" },
    });
    expect(result.requestId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(result.ratelimits).toEqual([
      { window: "minute", limit: 10, remaining: 9, resetAt: expect.any(String) },
    ]);
  });

  it("answers NOT_FOUND for malformed keys without touching the database", async () => {
    const key = await insertKey(tenant.id);
    const broken = `${key.plaintext.slice(0, -1)}${key.plaintext.endsWith("0") ? "1" : "0"}`;
    setDbForTesting(unreachableDb());
    try {
      for (const bad of [broken, "nope", "", `kp_${"a".repeat(42)}`]) {
        expect(await verifyKey({ key: bad }, ctx())).toEqual({
          valid: false,
          code: "NOT_FOUND",
          requestId: expect.any(String),
        });
      }
    } finally {
      setDbForTesting(database().client);
    }
  });

  it("answers NOT_FOUND for an unknown key and for another tenant's key, revealing nothing", async () => {
    const unknown = generateKey("kp").key;
    const foreign = await insertKey(other.id);
    for (const key of [unknown, foreign.plaintext]) {
      const result = await verifyKey({ key }, ctx());
      expect(Object.keys(result).sort()).toEqual(["code", "requestId", "valid"]);
      expect(result.code).toBe("NOT_FOUND");
    }
  });

  it("keeps a rolled secret valid until its grace period ends, to the millisecond", async () => {
    const key = await insertKey(tenant.id);
    const graceEndsAt = new Date(Date.now() + 60_000);
    const old = await insertRetiredSecret({ tenantId: tenant.id, id: key.id }, graceEndsAt);
    const at = (now: number) => verifyKey({ key: old.plaintext }, ctx(), { now });
    expect(await at(graceEndsAt.getTime() - 1)).toMatchObject({ code: "VALID", keyId: key.id });
    expect((await at(graceEndsAt.getTime())).code).toBe("NOT_FOUND");
    expect((await verifyKey({ key: key.plaintext }, ctx())).code).toBe("VALID");
  });

  it("answers 'cannot verify' when the database is down and the key is not cached", async () => {
    const cached = await insertKey(tenant.id);
    const uncached = await insertKey(tenant.id);
    expect((await verifyKey({ key: cached.plaintext }, ctx())).code).toBe("VALID");
    setDbForTesting(unreachableDb());
    try {
      await expect(verifyKey({ key: uncached.plaintext }, ctx())).rejects.toBeInstanceOf(
        VerifyUnavailableError,
      );
      // A cached key keeps answering from memory.
      expect((await verifyKey({ key: cached.plaintext }, ctx())).code).toBe("VALID");
    } finally {
      setDbForTesting(database().client);
    }
  });
});

describe("status and expiry", () => {
  it("answers REVOKED and SUSPENDED, before EXPIRED", async () => {
    const past = new Date(Date.now() - 1000);
    const revoked = await insertKey(tenant.id, { status: "REVOKED", expiresAt: past });
    const suspended = await insertKey(tenant.id, { status: "SUSPENDED", expiresAt: past });
    const expired = await insertKey(tenant.id, { expiresAt: past });
    expect((await verifyKey({ key: revoked.plaintext }, ctx())).code).toBe("REVOKED");
    expect((await verifyKey({ key: suspended.plaintext }, ctx())).code).toBe("SUSPENDED");
    const result = await verifyKey({ key: expired.plaintext }, ctx());
    expect(result).toMatchObject({ valid: false, code: "EXPIRED", keyId: expired.id });
  });

  it("expires at the exact instant of expiresAt", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const key = await insertKey(tenant.id, { expiresAt });
    const at = (now: number) => verifyKey({ key: key.plaintext }, ctx(), { now });
    const before = await at(expiresAt.getTime() - 1);
    expect(before.code).toBe("VALID");
    expect(before.expiresAt).toBe(expiresAt.toISOString());
    expect((await at(expiresAt.getTime())).code).toBe("EXPIRED");
  });
});

describe("IP, endpoint, resource and scopes", () => {
  it("checks IPv4 and IPv6 allowlists; a missing IP is refused", async () => {
    const key = await insertKey(tenant.id, { ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"] });
    const code = async (ip?: string) =>
      (await verifyKey({ key: key.plaintext, ...(ip ? { ip } : {}) }, ctx())).code;
    expect(await code("10.20.30.40")).toBe("VALID");
    expect(await code("11.0.0.1")).toBe("FORBIDDEN");
    expect(await code("2001:db8:abcd::1")).toBe("VALID");
    expect(await code("2001:db9::1")).toBe("FORBIDDEN");
    // An IPv4-mapped IPv6 address is the IPv4 host itself (ip.ts normalises it).
    expect(await code("::ffff:10.0.0.1")).toBe("VALID");
    expect(await code("::ffff:11.0.0.1")).toBe("FORBIDDEN");
    expect(await code("not-an-ip")).toBe("FORBIDDEN");
    expect(await code()).toBe("FORBIDDEN");
  });

  it("checks endpoint patterns and resources", async () => {
    const key = await insertKey(tenant.id, {
      allowedEndpoints: ["GET /v1/orders/*", "/v1/health"],
      allowedResources: ["gpt-4*"],
    });
    const code = async (endpoint?: string, resource = "gpt-4o") =>
      (await verifyKey({ key: key.plaintext, resource, ...(endpoint ? { endpoint } : {}) }, ctx()))
        .code;
    expect(await code("GET /v1/orders/42")).toBe("VALID");
    expect(await code("POST /v1/health")).toBe("VALID");
    expect(await code("POST /v1/orders/42")).toBe("FORBIDDEN");
    expect(await code("GET /v1/orders/42/items")).toBe("FORBIDDEN");
    expect(await code("GET /v1/orders/../admin")).toBe("FORBIDDEN");
    expect(await code()).toBe("FORBIDDEN");
    expect(await code("GET /v1/orders/42", "claude")).toBe("FORBIDDEN");
  });

  it("matches scope wildcards and checks scopes after IP and endpoint", async () => {
    const key = await insertKey(tenant.id, {
      scopes: ["orders:*", "billing:read"],
      allowedEndpoints: ["/v1/**"],
    });
    const code = async (scopes: string[], endpoint = "/v1/x") =>
      (await verifyKey({ key: key.plaintext, scopes, endpoint }, ctx())).code;
    expect(await code(["orders:write", "orders:items:read", "billing:read"])).toBe("VALID");
    expect(await code(["billing:write"])).toBe("INSUFFICIENT_SCOPES");
    expect(await code(["orders"])).toBe("INSUFFICIENT_SCOPES");
    expect(await code(["billing:write"], "/v2/x")).toBe("FORBIDDEN");
  });
});
