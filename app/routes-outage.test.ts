import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { clearRootKeyCache } from "@/lib/api/auth";
import { insertRootKey, post } from "@/lib/api/test-support";
import type { TenantContext } from "@/lib/auth/context";
import { testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner } from "@/lib/testing/fixtures";
import { setupProxiedDatabase } from "@/lib/testing/outage";
import { discardBufferedUsageForTesting } from "@/lib/usage/buffer";
import { clearKeyCache } from "@/lib/verify/cache";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";

// Every route handler while PostgreSQL is cut (refused, then blackholed): each answers
// 503 with a message, none 500, none hangs. The first call of a blackhole waits for a
// timeout of the pool; every later one fails fast through the circuit breaker.

let sessionCtx: TenantContext | null = null;
vi.mock("@/lib/auth/session", () => ({
  loadTenantContext: async () => {
    if (!sessionCtx) throw new Error("no session in this test");
    return sessionCtx;
  },
}));

const ROUTE_FILES = [
  "api/health/route.ts",
  "api/v1/keys/route.ts",
  "api/v1/keys/[keyId]/route.ts",
  "api/v1/keys/[keyId]/reactivate/route.ts",
  "api/v1/keys/[keyId]/revoke/route.ts",
  "api/v1/keys/[keyId]/roll/route.ts",
  "api/v1/keys/[keyId]/suspend/route.ts",
  "api/v1/keys/verify/route.ts",
  "api/v1/usage/route.ts",
  "v2/keys.createKey/route.ts",
  "v2/keys.verifyKey/route.ts",
  "(dashboard)/t/[tenant]/usage/export/route.ts",
];
// Served without the database, or by next-auth's own handler (sign-in answers its own
// error page; see README "Outages").
const NOT_COVERED = ["api/v1/openapi.json/route.ts", "api/auth/[...nextauth]/route.ts"];

it("covers every route handler of the app", () => {
  const appDir = path.join(process.cwd(), "app");
  const found = readdirSync(appDir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith(`${path.sep}route.ts`))
    .map((file) => file.split(path.sep).join("/"));
  expect(found.sort()).toEqual([...ROUTE_FILES, ...NOT_COVERED].sort());
});

describe.skipIf(!testsUsePostgres)("every route during a database outage", () => {
  const database = setupProxiedDatabase();
  setupTestCounters();
  let rootKey = "";
  let keyId = "";
  let slug = "";

  beforeAll(async () => {
    const { tenant, owner } = await createTenantWithOwner();
    sessionCtx = owner.ctx;
    slug = tenant.slug;
    rootKey = await insertRootKey(tenant.id, [
      "keys:verify",
      "keys:read",
      "keys:write",
      "usage:write",
    ]);
    keyId = (await insertKey(tenant.id)).id;
  });
  afterAll(() => {
    discardBufferedUsageForTesting();
    clearKeyCache();
    clearRootKeyCache();
  });

  type Call = { name: string; run: () => Promise<Response> };

  function calls(): Call[] {
    const base = "http://localhost";
    const params = Promise.resolve({ keyId });
    const auth = { authorization: `Bearer ${rootKey}` };
    const get = (url: string) => new Request(url, { headers: auth });
    const body = (url: string, value: unknown) => post(url, value, { rootKey });
    const route = (file: string) => import(`@/app/${file}`);
    return [
      { name: "GET /api/health", run: async () => (await route(ROUTE_FILES[0] ?? "")).GET() },
      {
        name: "GET /api/v1/keys",
        run: async () => (await import("@/app/api/v1/keys/route")).GET(get(`${base}/api/v1/keys`)),
      },
      {
        name: "POST /api/v1/keys",
        run: async () =>
          (await import("@/app/api/v1/keys/route")).POST(
            body(`${base}/api/v1/keys`, { name: "during an outage" }),
          ),
      },
      {
        name: "GET /api/v1/keys/{id}",
        run: async () =>
          (await import("@/app/api/v1/keys/[keyId]/route")).GET(
            get(`${base}/api/v1/keys/${keyId}`),
            { params },
          ),
      },
      {
        name: "PATCH /api/v1/keys/{id}",
        run: async () =>
          (await import("@/app/api/v1/keys/[keyId]/route")).PATCH(
            new Request(`${base}/api/v1/keys/${keyId}`, {
              method: "PATCH",
              headers: { ...auth, "content-type": "application/json" },
              body: JSON.stringify({ name: "renamed" }),
            }),
            { params },
          ),
      },
      ...(["reactivate", "revoke", "roll", "suspend"] as const).map((verb) => ({
        name: `POST /api/v1/keys/{id}/${verb}`,
        run: async () =>
          (
            (await import(`@/app/api/v1/keys/[keyId]/${verb}/route.ts`)) as {
              POST: (r: Request, c: { params: Promise<{ keyId: string }> }) => Promise<Response>;
            }
          ).POST(body(`${base}/api/v1/keys/${keyId}/${verb}`, {}), { params }),
      })),
      {
        name: "POST /api/v1/keys/verify",
        run: async () =>
          (await import("@/app/api/v1/keys/verify/route")).POST(
            body(`${base}/api/v1/keys/verify`, { key: "kp_unknown" }),
          ),
      },
      {
        name: "POST /api/v1/usage",
        run: async () =>
          (await import("@/app/api/v1/usage/route")).POST(
            body(`${base}/api/v1/usage`, { requestId: "r1", costCents: 1 }),
          ),
      },
      {
        name: "POST /v2/keys.createKey",
        run: async () =>
          (await import("@/app/v2/keys.createKey/route")).POST(
            body(`${base}/v2/keys.createKey`, { apiId: "api_1", name: "during an outage" }),
          ),
      },
      {
        name: "POST /v2/keys.verifyKey",
        run: async () =>
          (await import("@/app/v2/keys.verifyKey/route")).POST(
            body(`${base}/v2/keys.verifyKey`, { key: "kp_unknown" }),
          ),
      },
      {
        name: "GET /t/{tenant}/usage/export",
        run: async () =>
          (await import("@/app/(dashboard)/t/[tenant]/usage/export/route")).GET(
            new Request(`${base}/t/${slug}/usage/export?chart=requests&range=7d`),
            { params: Promise.resolve({ tenant: slug }) },
          ),
      },
    ];
  }

  it("answers normally while the database is reachable (the calls are well-formed)", async () => {
    for (const call of calls()) {
      const response = await call.run();
      expect(response.status, call.name).toBeLessThan(500);
    }
    clearKeyCache();
    clearRootKeyCache();
  });

  for (const mode of ["refuse", "blackhole"] as const) {
    it(`${mode}: every route answers 503 with a message, none 500, none hangs`, async () => {
      await database().recover();
      clearKeyCache();
      clearRootKeyCache();
      database().proxy[mode]();
      let first = true;
      for (const call of calls()) {
        const started = performance.now();
        const response = await call.run();
        const ms = performance.now() - started;
        const text = await response.text();
        expect(response.status, `${call.name}: ${text}`).toBe(503);
        expect(text, call.name).toMatch(/cannot (be reached|verify|record usage)|degraded/);
        // The first call of a blackhole may wait out a pool timeout (6 s at most).
        expect(ms, call.name).toBeLessThan(first ? 8_000 : 500);
        first = false;
      }
      await database().recover();
    });
  }
});
