import http from "node:http";
import type { AddressInfo } from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as verifyRoute } from "@/app/api/v1/keys/verify/route";
import { POST as verifyV2Route } from "@/app/v2/keys.verifyKey/route";
import { clearRootKeyCache } from "@/lib/api/auth";
import {
  countNotFound,
  isCoalescing,
  NOT_FOUND_LIMIT_PER_MINUTE,
  resetNotFoundLimiter,
} from "@/lib/api/not-found-limiter";
import { insertRootKey } from "@/lib/api/test-support";
import { setDbForTesting } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db";
import { generateKey, hashKey } from "@/lib/keys/format";
import { PEER_ADDRESS_HEADER } from "@/lib/net/client-address";
import { setupTestDatabase, testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { FAST_PATH_GLOBAL, type FastPath, fastPath, publishFastPath } from "./fast-path";
import { MAX_BODY_BYTES } from "./http";

// The node:http fast path (what scripts/server.mjs serves) and the Next.js route files
// must answer every request alike. Each case is sent to both: over HTTP to a node server
// dispatching like scripts/server.mjs, and as a web Request to the route's POST.

const database = setupTestDatabase();
setupTestCounters();

const V1 = "/api/v1/keys/verify";
const V2 = "/v2/keys.verifyKey";
const ROUTES = { [V1]: verifyRoute, [V2]: verifyV2Route };
/** What scripts/server.mjs adds from the build; the route handler never sees them. */
const FIXED = { "x-fixed": "from the server" };
/** Sent by every case as X-Forwarded-For: forged, since no proxy is trusted here. */
const FORGED_IP = "203.0.113.7";
/** What both servers must take as the client: the test's own socket. */
const SOCKET_IP = "127.0.0.1";

let server: http.Server;
let base: string;
let tenant: TestTenant;
let other: TestTenant;
let rootKey: string;

type Case = {
  path: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
};
type Answer = { status: number; headers: Record<string, string>; body: string };

// Connection framing and the date are the server's, not the handler's.
const TRANSPORT = new Set([
  "date",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
]);

function normalise(status: number, headers: Headers, body: string): Answer {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (!TRANSPORT.has(name)) kept[name] = value;
  });
  // Every answer carries a fresh request id.
  return { status, headers: kept, body: body.replace(/req_[0-9a-f]{32}/g, "req_*") };
}

function requestOf(c: Case): { headers: Record<string, string>; body: string } {
  const body =
    c.body === undefined ? "" : typeof c.body === "string" ? c.body : JSON.stringify(c.body);
  return {
    headers: {
      "content-type": "application/json",
      ...(rootKey ? { authorization: `Bearer ${rootKey}` } : {}),
      "x-forwarded-for": FORGED_IP,
      // What the server entry writes for Next.js's routes; sent to the fast path too,
      // which reads the socket instead.
      [PEER_ADDRESS_HEADER]: SOCKET_IP,
      ...c.headers,
    },
    body,
  };
}

async function viaFastPath(c: Case): Promise<Answer> {
  const { headers, body } = requestOf(c);
  const response = await fetch(`${base}${c.path}`, { method: "POST", headers, body });
  const answer = normalise(response.status, response.headers, await response.text());
  expect(answer.headers["x-fixed"]).toBe(FIXED["x-fixed"]);
  delete answer.headers["x-fixed"];
  return answer;
}

async function viaRoute(c: Case): Promise<Answer> {
  const { headers, body } = requestOf(c);
  const route = ROUTES[c.path as keyof typeof ROUTES];
  const response = await route(
    new Request(`http://localhost${c.path}`, { method: "POST", headers, body }),
  );
  return normalise(response.status, response.headers, await response.text());
}

async function expectAlike(c: Case, status: number): Promise<Answer> {
  const fast = await viaFastPath(c);
  const route = await viaRoute(c);
  expect(fast).toEqual(route);
  expect(fast.status).toBe(status);
  return fast;
}

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  ({ tenant: other } = await createTenantWithOwner());
  rootKey = await insertRootKey(tenant.id, ["keys:verify"]);
  const routes = fastPath().routes;
  server = http.createServer((req, res) => {
    const route = routes[(req.url ?? "").split("?")[0] ?? ""];
    if (req.method === "POST" && route) void route(req, res, FIXED);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => resetNotFoundLimiter());
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

describe("fast path and route answer alike: POST /api/v1/keys/verify", () => {
  it("valid key, scopes, NOT_FOUND (own and foreign), REVOKED", async () => {
    const key = await insertKey(tenant.id, { scopes: ["orders:*"], metadata: { plan: "pro" } });
    const valid = await expectAlike({ path: V1, body: { key: key.plaintext } }, 200);
    expect(JSON.parse(valid.body)).toMatchObject({ valid: true, code: "VALID", keyId: key.id });
    await expectAlike({ path: V1, body: { key: key.plaintext, scopes: ["billing:read"] } }, 200);
    await expectAlike({ path: V1, body: { key: generateKey("kp").key } }, 200);
    const foreign = await insertKey(other.id);
    const answer = await expectAlike({ path: V1, body: { key: foreign.plaintext } }, 200);
    expect(JSON.parse(answer.body).code).toBe("NOT_FOUND");
    const revoked = await insertKey(tenant.id, { status: "REVOKED", revokedAt: new Date() });
    await expectAlike({ path: V1, body: { key: revoked.plaintext } }, 200);
  });

  it("401 and 403", async () => {
    await expectAlike({ path: V1, headers: { authorization: "" }, body: { key: "x" } }, 401);
    await expectAlike(
      { path: V1, headers: { authorization: "Basic abc" }, body: { key: "x" } },
      401,
    );
    const unknown = generateKey("kp_root").key;
    await expectAlike(
      { path: V1, headers: { authorization: `Bearer ${unknown}` }, body: { key: "x" } },
      401,
    );
    const reporter = await insertRootKey(tenant.id, ["usage:write"]);
    await expectAlike(
      { path: V1, headers: { authorization: `Bearer ${reporter}` }, body: { key: "x" } },
      403,
    );
  });

  it("400 naming the field: bad JSON, not an object, wrong fields, too large", async () => {
    await expectAlike({ path: V1, body: "{not json" }, 400);
    await expectAlike({ path: V1, body: "" }, 400);
    await expectAlike({ path: V1, body: "[1,2]" }, 400);
    const fields = await expectAlike({ path: V1, body: { key: 5, cost: -1, scopes: "x" } }, 400);
    expect(JSON.parse(fields.body).error.fields).toHaveProperty("cost");
    const large = await expectAlike({ path: V1, body: { key: "x".repeat(MAX_BODY_BYTES) } }, 400);
    expect(JSON.parse(large.body).error.message).toBe(`body: larger than ${MAX_BODY_BYTES} bytes`);
  });

  it("too large without a Content-Length (chunked): refused the same way", async () => {
    const chunked = (): ReadableStream<Uint8Array> =>
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(MAX_BODY_BYTES / 2));
          controller.close();
        },
      });
    const { headers } = requestOf({ path: V1 });
    const init = () =>
      ({ method: "POST", headers, body: chunked(), duplex: "half" }) as RequestInit;
    const fast = await fetch(`${base}${V1}`, init());
    const route = await verifyRoute(new Request(`http://localhost${V1}`, init()));
    const fastAnswer = normalise(fast.status, fast.headers, await fast.text());
    delete fastAnswer.headers["x-fixed"];
    expect(fastAnswer).toEqual(normalise(route.status, route.headers, await route.text()));
    expect(fastAnswer.status).toBe(400);
  });

  it("over the unknown-key cap: still never a 429, and a valid key is VALID", async () => {
    const rootKeyId = (await db().rootKey.findUniqueOrThrow({ where: { hash: hashKey(rootKey) } }))
      .id;
    for (let i = 0; i < NOT_FOUND_LIMIT_PER_MINUTE; i++) countNotFound(rootKeyId, undefined);
    expect(isCoalescing(rootKeyId)).toBe(true);
    await expectAlike({ path: V1, body: { key: generateKey("kp").key } }, 200);
    const key = await insertKey(tenant.id);
    const valid = await expectAlike({ path: V1, body: { key: key.plaintext } }, 200);
    expect(JSON.parse(valid.body)).toMatchObject({ valid: true, code: "VALID" });
  });
});

describe("fast path and route answer alike: POST /v2/keys.verifyKey", () => {
  it("valid, NOT_FOUND, DISABLED, permissions", async () => {
    const key = await insertKey(tenant.id, { scopes: ["orders.read"] });
    await expectAlike({ path: V2, body: { key: key.plaintext } }, 200);
    await expectAlike({ path: V2, body: { key: key.plaintext, permissions: "orders.write" } }, 200);
    await expectAlike({ path: V2, body: { key: generateKey("kp").key } }, 200);
    const suspended = await insertKey(tenant.id, { status: "SUSPENDED", suspendedAt: new Date() });
    await expectAlike({ path: V2, body: { key: suspended.plaintext } }, 200);
  });

  it("the error classes of the v2 contract", async () => {
    await expectAlike({ path: V2, headers: { authorization: "" }, body: { key: "x" } }, 400);
    await expectAlike(
      { path: V2, headers: { authorization: `Bearer ${generateKey("kp_root").key}` }, body: {} },
      401,
    );
    const reporter = await insertRootKey(tenant.id, ["usage:write"]);
    await expectAlike(
      { path: V2, headers: { authorization: `Bearer ${reporter}` }, body: { key: "x" } },
      403,
    );
    await expectAlike({ path: V2, body: "nope" }, 400);
    await expectAlike({ path: V2, body: { key: 1, credits: { cost: -1 } } }, 400);
    await expectAlike(
      { path: V2, headers: { accept: "application/problem+json" }, body: { key: "" } },
      400,
    );
    await expectAlike({ path: V2, body: { key: "x", ratelimits: [{ name: "week" }] } }, 412);
    await expectAlike({ path: V2, body: { key: "x", permissions: "a AND (" } }, 400);
  });

  it("the IP allowlist sees the socket's address; a forged X-Forwarded-For is ignored", async () => {
    const limited = await insertKey(tenant.id, { ipAllowlist: ["10.9.8.7/32"] });
    for (const forged of ["10.9.8.7", "10.9.8.7, 10.9.8.7", "127.0.0.1, 10.9.8.7"]) {
      const answer = await expectAlike(
        { path: V2, headers: { "x-forwarded-for": forged }, body: { key: limited.plaintext } },
        200,
      );
      expect(JSON.parse(answer.body).data.code).toBe("FORBIDDEN");
    }
    // A copy of the entry's own header sent by the client changes nothing on the fast
    // path (it reads the socket), and the server entry overwrites it for Next.js.
    const fast = await viaFastPath({
      path: V2,
      headers: { [PEER_ADDRESS_HEADER]: "10.9.8.7" },
      body: { key: limited.plaintext },
    });
    expect(JSON.parse(fast.body).data.code).toBe("FORBIDDEN");
    const local = await insertKey(tenant.id, { ipAllowlist: [`${SOCKET_IP}/32`] });
    const valid = await expectAlike({ path: V2, body: { key: local.plaintext } }, 200);
    expect(JSON.parse(valid.body).data.code).toBe("VALID");
  });
});

describe.runIf(testsUsePostgres)("fast path and route answer alike without the database", () => {
  let dead: PrismaClient | undefined;
  afterAll(async () => {
    setDbForTesting(database().client);
    await dead?.$disconnect().catch(() => {});
  });

  it("503 'cannot verify' on both endpoints", async () => {
    const uncached = await insertKey(tenant.id);
    clearRootKeyCache();
    // Nothing listens on port 9 of this host: every query fails at once.
    dead = new PrismaClient({
      adapter: new PrismaPg({
        connectionString: "postgresql://postgres@127.0.0.1:9/none",
        connectionTimeoutMillis: 1_000,
      }),
    });
    setDbForTesting(dead);
    const v1 = await expectAlike({ path: V1, body: { key: uncached.plaintext } }, 503);
    expect(JSON.parse(v1.body)).toEqual({
      error: { code: "UNAVAILABLE", message: "cannot verify" },
    });
    const v2 = await expectAlike({ path: V2, body: { key: uncached.plaintext } }, 503);
    expect(JSON.parse(v2.body).error.detail).toBe("cannot verify");
  });
});

describe("publishing", () => {
  it("instrumentation's publishFastPath puts both verify routes on globalThis", () => {
    publishFastPath();
    const published = (globalThis as Record<string, unknown>)[FAST_PATH_GLOBAL] as FastPath;
    expect(published.version).toBe(1);
    expect(Object.keys(published.routes).sort()).toEqual([V1, V2].sort());
  });
});
