import { PEER_ADDRESS_HEADER } from "@/lib/net/client-address";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createRootKey } from "@/lib/rootkeys/data";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestMember } from "@/lib/testing/fixtures";
import { POST as reactivate } from "./[keyId]/reactivate/route";
import { POST as revoke } from "./[keyId]/revoke/route";
import { POST as roll } from "./[keyId]/roll/route";
import { GET as getOne, PATCH as patch } from "./[keyId]/route";
import { POST as suspend } from "./[keyId]/suspend/route";
import { POST as create, GET as list } from "./route";

// The management API, called the way Next.js calls it: a Request in, a Response out.

setupTestDatabase();

type Tenant = { owner: TestMember; write: string; read: string };
let a: Tenant;
let b: Tenant;

async function tenant(name: string): Promise<Tenant> {
  const { owner } = await createTenantWithOwner(name);
  const write = await createRootKey(owner.ctx, {
    name: `${name} automation`,
    permissions: ["keys:read", "keys:write"],
  });
  const read = await createRootKey(owner.ctx, {
    name: `${name} reader`,
    permissions: ["keys:read"],
  });
  return { owner, write: write.plaintext, read: read.plaintext };
}

beforeAll(async () => {
  a = await tenant("Api A");
  b = await tenant("Api B");
});

function request(
  path: string,
  init: { method?: string; token?: string; body?: unknown; raw?: string } = {},
) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    [PEER_ADDRESS_HEADER]: "198.51.100.20",
  };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return new Request(`http://localhost${path}`, { method: init.method ?? "POST", headers, body });
}

const keyParams = (keyId: string) => ({ params: Promise.resolve({ keyId }) });

async function createVia(token: string, body: unknown) {
  const response = await create(request("/api/v1/keys", { token, body }));
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("authentication", () => {
  it("401 without a root key or with an unknown one, 403 without the permission", async () => {
    const missing = await create(request("/api/v1/keys", { body: { name: "x" } }));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: { code: "UNAUTHORIZED", message: expect.stringContaining("Authorization: Bearer") },
    });
    const unknown = await create(
      request("/api/v1/keys", { token: "kp_notarealkey", body: { name: "x" } }),
    );
    expect(unknown.status).toBe(401);
    const readOnly = await create(request("/api/v1/keys", { token: a.read, body: { name: "x" } }));
    expect(readOnly.status).toBe(403);
    expect(((await readOnly.json()) as { error: { message: string } }).error.message).toContain(
      "keys:write",
    );
    expect(await db().apiKey.count({ where: { tenantId: a.owner.ctx.tenantId } })).toBe(0);
  });
});

describe("bad input", () => {
  it("answers 400 naming the field, for bad JSON, bad fields and oversized bodies", async () => {
    const malformed = await create(request("/api/v1/keys", { token: a.write, raw: "{not json" }));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toBe(
      "body: not valid JSON",
    );

    const bad = await createVia(a.write, {
      name: "",
      budgetCents: -1,
      ipAllowlist: ["10.0.0.0/33"],
    });
    expect(bad.status).toBe(400);
    const error = bad.json.error as { code: string; fields: Record<string, string[]> };
    expect(error.code).toBe("BAD_REQUEST");
    expect(Object.keys(error.fields).sort()).toEqual(["budgetCents", "ipAllowlist.0", "name"]);

    const big = await create(
      request("/api/v1/keys", {
        token: a.write,
        raw: JSON.stringify({ name: "x".repeat(20_000) }),
      }),
    );
    expect(big.status).toBe(400);
    expect(((await big.json()) as { error: { message: string } }).error.message).toMatch(
      /^body: larger than/,
    );
    expect(await db().apiKey.count({ where: { tenantId: a.owner.ctx.tenantId } })).toBe(0);
  });
});

describe("key management", () => {
  it("creates, lists, reads, updates, suspends, reactivates, rolls and revokes", async () => {
    const created = await createVia(a.write, {
      name: "ci pipeline",
      tags: ["ci"],
      rateLimitPerMinute: 60,
      budgetCents: 500,
      budgetPeriod: "MONTHLY",
    });
    expect(created.status).toBe(201);
    const plaintext = created.json.plaintext as string;
    const key = created.json.key as {
      id: string;
      display: string;
      rateLimits: { perMinute: number };
    };
    expect(plaintext).toMatch(/^kp_[A-Za-z0-9]{42}$/);
    expect(key.rateLimits.perMinute).toBe(60);
    expect(JSON.stringify(key)).not.toContain(plaintext);

    const listed = await list(request("/api/v1/keys?tag=ci", { method: "GET", token: a.read }));
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { keys: { id: string }[]; total: number };
    expect(page.keys.map((k) => k.id)).toEqual([key.id]);

    const fetched = await getOne(
      request(`/api/v1/keys/${key.id}`, { method: "GET", token: a.read }),
      keyParams(key.id),
    );
    expect(((await fetched.json()) as { key: { display: string } }).key.display).toBe(key.display);

    const patched = await patch(
      request(`/api/v1/keys/${key.id}`, {
        method: "PATCH",
        token: a.write,
        body: { rateLimitPerMinute: 120, name: "ci pipeline v2" },
      }),
      keyParams(key.id),
    );
    expect(patched.status).toBe(200);
    expect(
      ((await patched.json()) as { key: { name: string; rateLimits: { perMinute: number } } }).key,
    ).toMatchObject({ name: "ci pipeline v2", rateLimits: { perMinute: 120 } });

    expect(
      (
        await suspend(
          request(`/api/v1/keys/${key.id}/suspend`, { token: a.write }),
          keyParams(key.id),
        )
      ).status,
    ).toBe(200);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: key.id } })).status).toBe(
      "SUSPENDED",
    );
    expect(
      (
        await reactivate(
          request(`/api/v1/keys/${key.id}/reactivate`, { token: a.write }),
          keyParams(key.id),
        )
      ).status,
    ).toBe(200);

    const rolled = await roll(
      request(`/api/v1/keys/${key.id}/roll`, { token: a.write, body: { grace: "1h" } }),
      keyParams(key.id),
    );
    const rolledJson = (await rolled.json()) as {
      plaintext: string;
      key: { retiredSecrets: unknown[] };
    };
    expect(rolledJson.plaintext).toMatch(/^kp_/);
    expect(rolledJson.plaintext).not.toBe(plaintext);
    expect(rolledJson.key.retiredSecrets).toHaveLength(1);

    const revoked = await revoke(
      request(`/api/v1/keys/${key.id}/revoke`, { token: a.write, body: { reason: "rotated out" } }),
      keyParams(key.id),
    );
    expect(
      ((await revoked.json()) as { key: { status: string; revokedReason: string } }).key,
    ).toMatchObject({ status: "REVOKED", revokedReason: "rotated out" });

    const audit = await db().auditEvent.findMany({
      where: { tenantId: a.owner.ctx.tenantId, targetId: key.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((e) => e.action)).toEqual([
      "key.created",
      "key.updated",
      "key.suspended",
      "key.reactivated",
      "key.rolled",
      "key.revoked",
    ]);
    expect(
      audit.every(
        (e) =>
          e.actorType === "ROOT_KEY" &&
          e.actorLabel === "Api A automation" &&
          e.ip === "198.51.100.20",
      ),
    ).toBe(true);
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(plaintext);
    expect(auditText).not.toContain(rolledJson.plaintext);
  });

  it("another tenant's key is not found, and nothing changes", async () => {
    const { json } = await createVia(a.write, { name: "private to A" });
    const keyId = (json.key as { id: string }).id;
    const asB = { token: b.write };
    expect(
      (await getOne(request(`/api/v1/keys/${keyId}`, { method: "GET", ...asB }), keyParams(keyId)))
        .status,
    ).toBe(404);
    expect(
      (
        await patch(
          request(`/api/v1/keys/${keyId}`, { method: "PATCH", ...asB, body: { name: "stolen" } }),
          keyParams(keyId),
        )
      ).status,
    ).toBe(404);
    expect(
      (await suspend(request(`/api/v1/keys/${keyId}/suspend`, asB), keyParams(keyId))).status,
    ).toBe(404);
    expect(
      (
        await roll(
          request(`/api/v1/keys/${keyId}/roll`, { ...asB, body: { grace: "0" } }),
          keyParams(keyId),
        )
      ).status,
    ).toBe(404);
    const revokeAsB = await revoke(
      request(`/api/v1/keys/${keyId}/revoke`, { ...asB, body: { reason: "x" } }),
      keyParams(keyId),
    );
    expect(revokeAsB.status).toBe(404);
    expect(await revokeAsB.json()).toEqual({
      error: { code: "NOT_FOUND", message: "Key not found." },
    });
    const listedByB = (await (
      await list(request("/api/v1/keys", { method: "GET", token: b.read }))
    ).json()) as { keys: { id: string }[] };
    expect(listedByB.keys.map((k) => k.id)).not.toContain(keyId);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: keyId } });
    expect(row).toMatchObject({ name: "private to A", status: "ACTIVE" });
    expect(await db().retiredSecret.count({ where: { keyId } })).toBe(0);
  });
});
