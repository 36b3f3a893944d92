import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createV2 } from "@/app/v2/keys.createKey/route";
import { POST as verifyV2 } from "@/app/v2/keys.verifyKey/route";
import { insertRootKey, post } from "@/lib/api/test-support";
import { db } from "@/lib/db";
import { tenantState } from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { POST as usage } from "../usage/route";
import { POST as reactivate } from "./[keyId]/reactivate/route";
import { POST as revoke } from "./[keyId]/revoke/route";
import { POST as roll } from "./[keyId]/roll/route";
import { GET as getOne, PATCH as patch } from "./[keyId]/route";
import { POST as suspend } from "./[keyId]/suspend/route";
import { POST as create, GET as list } from "./route";
import { POST as verify } from "./verify/route";

// Text that PostgreSQL cannot store (NUL, lone surrogates), control characters and
// absurd shapes, sent where a client may send them. Each is refused with a 400 that
// names the field, and nothing is written.

setupTestDatabase();
setupTestCounters();

const NUL = "a\u0000b";
const LONE = "gpt-\ud800";
const CONTROL = "x\u0007y";

let tenant: TestTenant;
let rootKey: string;
let keyId: string;

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  rootKey = await insertRootKey(tenant.id, [
    "keys:read",
    "keys:write",
    "keys:verify",
    "usage:write",
  ]);
  keyId = (await insertKey(tenant.id)).id;
});
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

function call(method: string, path: string, body?: unknown): Request {
  return new Request(`http://localhost${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${rootKey}` },
    body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
  });
}

const params = (id: string) => ({ params: Promise.resolve({ keyId: id }) });

/** The 400's field names, or a description of what came back instead. */
async function fieldsOf(response: Response): Promise<string[] | string> {
  const body = (await response.json()) as { error?: { fields?: Record<string, string[]> } };
  if (response.status !== 400) return `${response.status} ${JSON.stringify(body)}`;
  return Object.keys(body.error?.fields ?? {});
}

async function v2Locations(response: Response): Promise<string[] | string> {
  const body = (await response.json()) as { error?: { errors?: { location: string }[] } };
  if (response.status !== 400) return `${response.status} ${JSON.stringify(body)}`;
  return (body.error?.errors ?? []).map((e) => e.location);
}

describe("POST and PATCH /api/v1/keys", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["name with NUL", { name: NUL }, "name"],
    ["name with a lone surrogate", { name: LONE }, "name"],
    ["name with a bell", { name: CONTROL }, "name"],
    ["description with NUL", { name: "ok", description: NUL }, "description"],
    ["metadata value with NUL", { name: "ok", metadata: { a: NUL } }, "metadata"],
    ["metadata key with a lone surrogate", { name: "ok", metadata: { [LONE]: 1 } }, "metadata"],
    ["metadata as JSON text with NUL", { name: "ok", metadata: '{"a":"\\u0000"}' }, "metadata"],
    ["allowedResources with NUL", { name: "ok", allowedResources: [NUL] }, "allowedResources.0"],
    [
      "allowedResources with a lone surrogate",
      { name: "ok", allowedResources: [LONE] },
      "allowedResources.0",
    ],
  ];

  it.each(cases)("create: %s is a 400 naming the field", async (_, body, field) => {
    const before = await tenantState(tenant.id);
    expect(await fieldsOf(await create(call("POST", "/api/v1/keys", body)))).toEqual([field]);
    expect(await tenantState(tenant.id)).toBe(before);
  });

  it.each(cases)("update: %s is a 400 naming the field", async (_, body, field) => {
    const before = await tenantState(tenant.id);
    const response = await patch(call("PATCH", `/api/v1/keys/${keyId}`, body), params(keyId));
    expect(await fieldsOf(response)).toEqual([field]);
    expect(await tenantState(tenant.id)).toBe(before);
  });

  it("metadata nested 300 deep in under 4 KB is a 400 naming metadata", async () => {
    const deep = `${'{"a":'.repeat(300)}1${"}".repeat(300)}`;
    expect(deep.length).toBeLessThan(4096);
    const before = await tenantState(tenant.id);
    const raw = JSON.parse(deep) as unknown;
    expect(
      await fieldsOf(await create(call("POST", "/api/v1/keys", { name: "d", metadata: raw }))),
    ).toEqual(["metadata"]);
    expect(
      await fieldsOf(await create(call("POST", "/api/v1/keys", { name: "d", metadata: deep }))),
    ).toEqual(["metadata"]);
    expect(await tenantState(tenant.id)).toBe(before);
  });
});

describe("key paths and queries", () => {
  it.each([["\u0000"], ["\u0000abc"], [LONE], ["a/b"], ["x".repeat(300)]])(
    "every verb on /api/v1/keys/%j is a 400 naming keyId",
    async (id) => {
      const before = await tenantState(tenant.id);
      const path = `/api/v1/keys/${encodeURIComponent("x")}`;
      const answers = [
        await getOne(call("GET", path), params(id)),
        await patch(call("PATCH", path, { name: "n" }), params(id)),
        await revoke(call("POST", `${path}/revoke`, { reason: "r" }), params(id)),
        await roll(call("POST", `${path}/roll`, { grace: "0" }), params(id)),
        await suspend(call("POST", `${path}/suspend`), params(id)),
        await reactivate(call("POST", `${path}/reactivate`), params(id)),
      ];
      for (const answer of answers) expect(await fieldsOf(answer)).toEqual(["keyId"]);
      expect(await tenantState(tenant.id)).toBe(before);
    },
  );

  it("a well-formed unknown key id is a 404 on every verb", async () => {
    const id = "cunknownkeyid0000000000000";
    const path = `/api/v1/keys/${id}`;
    const answers = [
      await getOne(call("GET", path), params(id)),
      await patch(call("PATCH", path, { name: "n" }), params(id)),
      await revoke(call("POST", `${path}/revoke`, { reason: "r" }), params(id)),
      await roll(call("POST", `${path}/roll`, { grace: "0" }), params(id)),
      await suspend(call("POST", `${path}/suspend`), params(id)),
      await reactivate(call("POST", `${path}/reactivate`), params(id)),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404]);
  });

  it("a revoke reason with NUL is a 400 naming reason", async () => {
    const before = await tenantState(tenant.id);
    const response = await revoke(
      call("POST", `/api/v1/keys/${keyId}/revoke`, { reason: `leaked ${NUL}` }),
      params(keyId),
    );
    expect(await fieldsOf(response)).toEqual(["reason"]);
    expect(await tenantState(tenant.id)).toBe(before);
  });

  it.each([["q"], ["tag"], ["scope"], ["status"]])(
    "GET /api/v1/keys with NUL in %s is a 400 naming it",
    async (name) => {
      const response = await list(call("GET", `/api/v1/keys?${name}=%00`));
      expect(await fieldsOf(response)).toEqual([name]);
    },
  );
});

describe("verify and usage bodies", () => {
  it.each([
    ["endpoint", `GET /a${NUL}`],
    ["endpoint", "GET /a\ud800"],
    ["resource", LONE],
    ["resource", `gpt${NUL}`],
    ["ip", "10.0.0.1\u0000"],
    ["tags", ["ok", NUL]],
    ["scopes", [LONE]],
    ["endpoint", "GET /a\nb"],
  ])("verify with a bad %s is a 400 naming it", async (field, value) => {
    const response = await verify(
      post(
        "http://localhost/api/v1/keys/verify",
        { key: "kp_unknown", [field]: value },
        { rootKey },
      ),
    );
    const fields = await fieldsOf(response);
    expect(fields).toHaveLength(1);
    expect(String(fields[0]).split(".")[0]).toBe(field);
  });

  it.each([
    ["endpoint", NUL],
    ["resource", LONE],
    ["requestId", `req${NUL}`],
  ])("a usage report with a bad %s is a 400 naming it", async (field, value) => {
    const response = await usage(
      post(
        "http://localhost/api/v1/usage",
        { requestId: "req_1", costCents: 1, [field]: value },
        { rootKey },
      ),
    );
    expect(await fieldsOf(response)).toEqual([field]);
    expect(await db().usageEvent.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});

describe("v2 routes", () => {
  const v2 = (path: string, body: unknown) =>
    post(`http://localhost/v2/${path}`, body, { rootKey });

  it.each([
    ["name", { name: NUL }, "body.name"],
    ["externalId", { externalId: LONE }, "body.externalId"],
    ["meta", { meta: { a: NUL } }, "body.meta"],
    [
      "meta nested 300 deep",
      { meta: JSON.parse(`${'{"a":'.repeat(300)}1${"}".repeat(300)}`) },
      "body.meta",
    ],
    ["permissions", { permissions: ["Nope Nope"] }, "body.permissions.0"],
  ])("createKey with a bad %s names it", async (_, body, location) => {
    const before = await tenantState(tenant.id);
    const response = await createV2(v2("keys.createKey", { apiId: "api_1", ...body }));
    expect(await v2Locations(response)).toEqual([location]);
    expect(await tenantState(tenant.id)).toBe(before);
  });

  it.each([
    ["tags", { tags: [NUL] }, "body.tags.0"],
    ["permissions", { permissions: LONE }, "body.permissions"],
  ])("verifyKey with a bad %s names it", async (_, body, location) => {
    const response = await verifyV2(v2("keys.verifyKey", { key: "kp_unknown", ...body }));
    expect(await v2Locations(response)).toEqual([location]);
  });
});
