import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearRootKeyCache } from "@/lib/api/auth";
import {
  isCoalescing,
  NOT_FOUND_LIMIT_PER_REPORTED_IP,
  resetNotFoundLimiter,
} from "@/lib/api/not-found-limiter";
import { insertRootKey, jsonOf, post } from "@/lib/api/test-support";
import { db, setDbForTesting } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { generateKey, hashKey } from "@/lib/keys/format";
import { revokeKey } from "@/lib/keys/lifecycle";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestMember, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { POST } from "./route";

const database = setupTestDatabase();
setupTestCounters();

const URL = "http://localhost/api/v1/keys/verify";
let tenant: TestTenant;
let owner: TestMember;
let other: TestTenant;
let rootKey: string;

beforeAll(async () => {
  ({ tenant, owner } = await createTenantWithOwner());
  ({ tenant: other } = await createTenantWithOwner());
  rootKey = await insertRootKey(tenant.id, ["keys:verify"]);
});
beforeEach(() => resetNotFoundLimiter());
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

const verify = (body: unknown, options: Parameters<typeof post>[2] = {}) =>
  POST(post(URL, body, { rootKey, ...options }));

describe("POST /api/v1/keys/verify", () => {
  it("answers 200 with the verification", async () => {
    const key = await insertKey(tenant.id, { scopes: ["orders:*"] });
    const response = await verify({ key: key.plaintext, scopes: ["orders:read"] });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ valid: true, code: "VALID", keyId: key.id });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers NOT_FOUND for another tenant's key", async () => {
    const foreign = await insertKey(other.id);
    const body = await jsonOf(await verify({ key: foreign.plaintext }));
    expect(body).toEqual({ valid: false, code: "NOT_FOUND", requestId: expect.any(String) });
  });

  it("answers 401 without a root key or with an unknown one, 403 without keys:verify", async () => {
    const missing = await POST(post(URL, { key: "x" }));
    expect(missing.status).toBe(401);
    expect(await jsonOf(missing)).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    for (const bad of ["garbage", generateKey("kp_root").key]) {
      expect((await verify({ key: "x" }, { rootKey: bad })).status).toBe(401);
    }
    const reporter = await insertRootKey(tenant.id, ["usage:write", "keys:read"]);
    const forbidden = await verify({ key: "x" }, { rootKey: reporter });
    expect(forbidden.status).toBe(403);
    expect(await jsonOf(forbidden)).toMatchObject({ error: { code: "FORBIDDEN" } });
  });

  it("answers 400 naming the field", async () => {
    const missing = await verify({ scopes: [] });
    expect(missing.status).toBe(400);
    expect(await jsonOf(missing)).toEqual({
      error: { code: "BAD_REQUEST", message: "key: Required", fields: { key: ["Required"] } },
    });
    const cost = await jsonOf(await verify({ key: "k", cost: -1 }));
    expect(cost).toMatchObject({ error: { message: "cost: Must be 0 or more." } });
    const scopes = await jsonOf(await verify({ key: "k", scopes: "orders:read" }));
    expect(scopes).toMatchObject({ error: { fields: { scopes: expect.any(Array) } } });
    for (const body of ["{not json", "", "[1,2]", "null"]) {
      expect((await verify(body)).status).toBe(400);
    }
  });

  it("refuses bodies over 16 KB, by header and by actual size", async () => {
    const big = JSON.stringify({ key: "k", endpoint: `/${"a".repeat(17_000)}` });
    const declared = await verify(big);
    expect(declared.status).toBe(400);
    expect(await jsonOf(declared)).toMatchObject({
      error: { fields: { body: expect.any(Array) } },
    });
    // A stream without Content-Length is measured while it is read.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const chunked = new Request(URL, {
      method: "POST",
      headers: { authorization: `Bearer ${rootKey}` },
      body: stream,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect((await POST(chunked)).status).toBe(400);
  });

  it("unknown keys never refuse a key that exists, from the same root key and address", async () => {
    const known = await insertKey(tenant.id);
    for (let i = 0; i < NOT_FOUND_LIMIT_PER_REPORTED_IP + 10; i++) {
      const response = await verify({ key: generateKey("kp").key, ip: "198.51.100.9" });
      expect((await jsonOf(response)).code).toBe("NOT_FOUND");
    }
    // Over the cap, that end client's misses are coalesced, never refused.
    const rootKeyId = (await db().rootKey.findUniqueOrThrow({ where: { hash: hashKey(rootKey) } }))
      .id;
    expect(isCoalescing(rootKeyId, "198.51.100.9")).toBe(true);
    const answer = await verify({ key: known.plaintext, ip: "198.51.100.9" });
    expect(answer.status).toBe(200);
    expect(await jsonOf(answer)).toMatchObject({ valid: true, code: "VALID" });
  });

  it("sees a revocation at once", async () => {
    const key = await insertKey(tenant.id);
    expect((await jsonOf(await verify({ key: key.plaintext }))).code).toBe("VALID");
    await revokeKey(owner.ctx, key.id, "compromised");
    expect((await jsonOf(await verify({ key: key.plaintext }))).code).toBe("REVOKED");
  });

  it("answers 503 'cannot verify' when the database is unreachable and the key is not cached", async () => {
    const key = await insertKey(tenant.id);
    expect((await verify({ key: generateKey("kp").key })).status).toBe(200); // root key cached
    const down = new Proxy({} as PrismaClient, {
      get() {
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      },
    });
    setDbForTesting(down);
    try {
      const response = await verify({ key: key.plaintext });
      expect(response.status).toBe(503);
      expect(await jsonOf(response)).toEqual({
        error: { code: "UNAVAILABLE", message: "cannot verify" },
      });
      clearRootKeyCache();
      expect((await verify({ key: key.plaintext })).status).toBe(503);
    } finally {
      setDbForTesting(database().client);
    }
  });
});
