import { PEER_ADDRESS_HEADER } from "@/lib/net/client-address";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Unkey } from "@unkey/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createKeyRoute } from "@/app/v2/keys.createKey/route";
import { POST as verifyKeyRoute } from "@/app/v2/keys.verifyKey/route";
import { db } from "@/lib/db";
import { revokeKey } from "@/lib/keys/data";
import { createRootKey } from "@/lib/rootkeys/data";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestMember } from "@/lib/testing/fixtures";
import { flushUsage } from "@/lib/usage/buffer";

// The official @unkey/api SDK, unmodified, pointed at Keyplane's v2 routes through
// `serverURL`. A small HTTP server hands the SDK's real requests to the route handlers,
// so the SDK's own response schemas judge every answer.

setupTestDatabase();

const ROUTES: Record<string, (request: Request) => Promise<Response>> = {
  "/prefix/v2/keys.verifyKey": verifyKeyRoute,
  "/prefix/v2/keys.createKey": createKeyRoute,
};

let server: Server;
let serverURL: string;
let owner: TestMember;
let sdk: Unkey;
let sdkForOtherTenant: Unkey;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string") headers.set(name, value);
    headers.set(PEER_ADDRESS_HEADER, "127.0.0.1");
    const route = ROUTES[req.url ?? ""];
    const response = route
      ? await route(
          new Request(`http://localhost${req.url}`, {
            method: req.method,
            headers,
            body: Buffer.concat(chunks),
          }),
        )
      : new Response("not found", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // A path prefix, as the SDK keeps it: serverURL "http://host/prefix" → /prefix/v2/….
  serverURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
  ({ owner } = await createTenantWithOwner("Unkey Compat"));
  await db().scopeDefinition.createMany({
    data: ["documents:read", "documents:write"].map((name) => ({
      tenantId: owner.ctx.tenantId,
      name,
    })),
  });
  const root = await createRootKey(owner.ctx, {
    name: "sdk",
    permissions: ["keys:verify", "keys:write"],
  });
  sdk = new Unkey({ rootKey: root.plaintext, serverURL, retryConfig: { strategy: "none" } });
  const other = await createTenantWithOwner("Someone Else");
  const otherRoot = await createRootKey(other.owner.ctx, {
    name: "other",
    permissions: ["keys:verify"],
  });
  sdkForOtherTenant = new Unkey({
    rootKey: otherRoot.plaintext,
    serverURL,
    retryConfig: { strategy: "none" },
  });
});

afterAll(async () => {
  await flushUsage();
  await new Promise((resolve) => server.close(resolve));
});

describe("the official @unkey/api SDK against Keyplane", () => {
  it("creates a key, verifies it, exhausts its credits and sees it disabled after revocation", async () => {
    const expires = Date.now() + 3_600_000;
    const created = await sdk.keys.createKey({
      apiId: "api_billing",
      name: "sdk customer",
      externalId: "customer_42",
      meta: { plan: "pro" },
      permissions: ["documents:read"],
      expires,
      credits: { remaining: 3 },
      ratelimits: [{ name: "requests", limit: 100, duration: 60_000, autoApply: true }],
    });
    expect(created.meta.requestId).toMatch(/^req_/);
    const { keyId, key } = created.data;
    expect(key).toMatch(/^kp_[A-Za-z0-9]{42}$/);

    const first = await sdk.keys.verifyKey({
      key,
      permissions: "documents:read OR documents:write",
    });
    expect(first.data).toMatchObject({
      valid: true,
      code: "VALID",
      keyId,
      name: "sdk customer",
      enabled: true,
      credits: 2,
      expires: expect.any(Number),
      permissions: ["documents:read"],
      meta: { plan: "pro", externalId: "customer_42" },
    });
    expect(Math.abs((first.data.expires ?? 0) - expires)).toBeLessThan(1000);
    expect(first.data.ratelimits?.[0]).toMatchObject({
      name: "minute",
      limit: 100,
      duration: 60_000,
      remaining: 99,
      exceeded: false,
      autoApply: true,
    });
    expect(first.data.ratelimits?.[0]?.reset).toBeGreaterThan(Date.now());

    const denied = await sdk.keys.verifyKey({ key, permissions: "documents:write" });
    expect(denied.data).toMatchObject({ valid: false, code: "INSUFFICIENT_PERMISSIONS" });
    // A denied call consumed no credit.
    const free = await sdk.keys.verifyKey({ key, credits: { cost: 0 } });
    expect(free.data).toMatchObject({ valid: true, credits: 2 });

    await sdk.keys.verifyKey({ key });
    const last = await sdk.keys.verifyKey({ key });
    expect(last.data).toMatchObject({ valid: true, credits: 0 });
    const exceeded = await sdk.keys.verifyKey({ key });
    expect(exceeded.data).toMatchObject({ valid: false, code: "USAGE_EXCEEDED", credits: 0 });

    await revokeKey(owner.ctx, keyId, "leaked");
    const disabled = await sdk.keys.verifyKey({ key });
    expect(disabled.data).toMatchObject({ valid: false, code: "DISABLED", enabled: false, keyId });
  });

  it("answers NOT_FOUND with nothing else for unknown keys and for another tenant's key", async () => {
    const { data } = await sdk.keys.createKey({ apiId: "api_x", name: "tenant-bound" });
    const unknown = await sdk.keys.verifyKey({
      key: "kp_thisisnotakeyatallbutlongenoughtolooklikeone12",
    });
    expect(unknown.data).toEqual({ valid: false, code: "NOT_FOUND" });
    const foreign = await sdkForOtherTenant.keys.verifyKey({ key: data.key });
    expect(foreign.data).toEqual({ valid: false, code: "NOT_FOUND" });
  });

  it("reports errors in the contract's shape, which the SDK parses into its error classes", async () => {
    const badRoot = new Unkey({
      rootKey: "kp_unknownrootkey",
      serverURL,
      retryConfig: { strategy: "none" },
    });
    await expect(badRoot.keys.verifyKey({ key: "kp_x" })).rejects.toMatchObject({
      name: "UnauthorizedErrorResponse",
    });
    const verifyOnly = await createRootKey(owner.ctx, {
      name: "verify only",
      permissions: ["keys:verify"],
    });
    const limited = new Unkey({
      rootKey: verifyOnly.plaintext,
      serverURL,
      retryConfig: { strategy: "none" },
    });
    await expect(limited.keys.createKey({ apiId: "api_x" })).rejects.toMatchObject({
      name: "ForbiddenErrorResponse",
    });
    const badRequest = sdk.keys.createKey({ apiId: "api_x", permissions: ["no:such:scope"] });
    await expect(badRequest).rejects.toMatchObject({ name: "BadRequestErrorResponse" });
    await expect(badRequest).rejects.toMatchObject({
      data$: { error: { status: 400, errors: [{ location: "body.permissions" }] } },
    });
    await expect(
      sdk.keys.verifyKey({ key: "kp_x", ratelimits: [{ name: "tokens" }] }),
    ).rejects.toMatchObject({ statusCode: 412 });
  });
});
