import { readFileSync } from "node:fs";
import { type Browser, expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { readE2eEnv } from "./support/e2e-env";
import { createKey } from "./support/keys";
import {
  createVerifyRootKey,
  type SecondInstance,
  startSecondInstance,
} from "./support/second-instance";

// The production server answers the verify endpoints on plain node:http (the fast path
// of scripts/server.mjs) and everything else through Next.js. Here the run's server
// (fast path on) and a server of the same build with KEYPLANE_FAST_PATH=off (every
// request through Next.js's router and the route files) get the same requests and must
// give the same answers: status, headers (security headers included) and body.

type Answer = { status: number; headers: Record<string, string>; body: string };

// Framing and the date belong to the connection. Content-Encoding: Next.js gzips even a
// 100-byte answer when the client accepts gzip; the fast path applies the compression
// middleware's 1 KB threshold. The decoded body is compared either way.
const TRANSPORT = new Set([
  "date",
  "connection",
  "keep-alive",
  "content-length",
  "transfer-encoding",
  "content-encoding",
]);

async function send(
  baseURL: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${baseURL}${path}`, {
    method: init.method ?? "POST",
    headers: init.headers,
    body: init.body,
    redirect: "manual",
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!TRANSPORT.has(name)) headers[name] = value;
  });
  const body = (await response.text()).replace(/req_[0-9a-f]{32}/g, "req_*");
  return { status: response.status, headers, body };
}

async function tenantWithKey(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const slug = await signUp(page, newAccount("fastpath"), "Fast path Co");
  const rootKey = await createVerifyRootKey(page, slug, "fastpath-verifier");
  const key = await createKey(page, slug, { name: "Fast path key" });
  await context.close();
  return { rootKey, key: key.plaintext };
}

function withoutUsageFigures(body: string): string {
  const { usage, ...rest } = JSON.parse(body) as { usage?: { ok?: boolean } };
  return JSON.stringify({ ...rest, usage: { ok: usage?.ok } });
}

test.describe("verify fast path", () => {
  test.describe.configure({ mode: "serial" });
  let viaNext: SecondInstance | undefined;

  test.afterAll(async () => {
    await viaNext?.stop("SIGKILL");
  });

  test("the server reports the fast path on for both verify endpoints", () => {
    const { serverLog } = readE2eEnv();
    test.skip(!serverLog, "the run's server log is not recorded");
    expect(readFileSync(serverLog ?? "", "utf8")).toContain(
      "Verify fast path: on for POST /api/v1/keys/verify, /v2/keys.verifyKey",
    );
  });

  test("answers exactly as the Next.js routes do, and leaves other requests to Next.js", async ({
    browser,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const env = readE2eEnv();
    test.skip(
      !env.databaseUrl,
      "needs DATABASE_URL: a second instance cannot share the run's PGlite database",
    );
    viaNext = await startSecondInstance(env.databaseUrl ?? "", {
      env: { KEYPLANE_FAST_PATH: "off" },
      portOffset: 2,
    });
    const fast = baseURL ?? "";
    const { rootKey, key } = await tenantWithKey(browser);
    const json = { "content-type": "application/json" };
    const auth = { ...json, authorization: `Bearer ${rootKey}` };
    const cases: {
      name: string;
      path: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
    }[] = [
      {
        name: "v1 valid",
        path: "/api/v1/keys/verify",
        headers: auth,
        body: JSON.stringify({ key }),
      },
      {
        name: "v1 insufficient scopes",
        path: "/api/v1/keys/verify",
        headers: auth,
        body: JSON.stringify({ key, scopes: ["billing:write"] }),
      },
      {
        name: "v1 not found",
        path: "/api/v1/keys/verify",
        headers: auth,
        body: JSON.stringify({ key: `${key.slice(0, -4)}AAAA` }),
      },
      { name: "v1 no root key", path: "/api/v1/keys/verify", headers: json, body: "{}" },
      {
        name: "v1 unknown root key",
        path: "/api/v1/keys/verify",
        headers: { ...json, authorization: "Bearer kp_root_nope" },
        body: "{}",
      },
      { name: "v1 bad JSON", path: "/api/v1/keys/verify", headers: auth, body: "{oops" },
      {
        name: "v1 wrong field",
        path: "/api/v1/keys/verify",
        headers: auth,
        body: JSON.stringify({ key, cost: "ten" }),
      },
      {
        name: "v1 too large",
        path: "/api/v1/keys/verify",
        headers: auth,
        body: JSON.stringify({ key, endpoint: "x".repeat(20_000) }),
      },
      {
        name: "v1 query string",
        path: "/api/v1/keys/verify?x=1",
        headers: auth,
        body: JSON.stringify({ key }),
      },
      {
        name: "v2 valid",
        path: "/v2/keys.verifyKey",
        headers: auth,
        body: JSON.stringify({ key }),
      },
      { name: "v2 no root key", path: "/v2/keys.verifyKey", headers: json, body: "{}" },
      {
        name: "v2 problem+json",
        path: "/v2/keys.verifyKey",
        headers: { ...auth, accept: "application/problem+json" },
        body: JSON.stringify({ key: 7 }),
      },
      {
        name: "v2 unknown rate limit",
        path: "/v2/keys.verifyKey",
        headers: auth,
        body: JSON.stringify({ key, ratelimits: [{ name: "fortnight" }] }),
      },
      // Not the fast path's: these reach Next.js on both servers.
      { name: "GET on verify (405)", path: "/api/v1/keys/verify", method: "GET" },
      { name: "trailing slash (308)", path: "/api/v1/keys/verify/", headers: auth, body: "{}" },
      { name: "health", path: "/api/health", method: "GET" },
      { name: "other API route", path: "/api/v1/keys", method: "GET", headers: auth },
    ];
    for (const c of cases) {
      const init = { method: c.method, headers: c.headers, body: c.body };
      const [a, b] = [await send(fast, c.path, init), await send(viaNext.baseURL, c.path, init)];
      if (c.path === "/api/health") {
        // Health reports each instance's own usage writer (events waiting, last write),
        // which differ between the two servers; everything else must be the same.
        for (const answer of [a, b]) answer.body = withoutUsageFigures(answer.body);
      }
      expect(a, c.name).toEqual(b);
    }
    // The APIs' security headers reach the fast path's answers too; the dashboard's page
    // policies do not.
    const answer = await send(fast, "/api/v1/keys/verify", {
      headers: auth,
      body: JSON.stringify({ key }),
    });
    expect(answer.headers["content-security-policy"]).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(answer.headers["x-frame-options"]).toBe("DENY");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(answer.headers["referrer-policy"]).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({ valid: true, code: "VALID" });
    // And a page is still Next.js's.
    const page = await fetch(`${fast}/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
  });
});
