import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createV2 } from "@/app/v2/keys.createKey/route";
import { POST as verifyV2 } from "@/app/v2/keys.verifyKey/route";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { insertRootKey } from "@/lib/api/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { tenantFingerprint } from "@/lib/testing/fingerprint";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { fuzzParameters, hostileRawBody, hostileString, hostileValue } from "@/lib/testing/hostile";
import { discardBufferedUsageForTesting, pauseFlushTimerForTesting } from "@/lib/usage/buffer";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { POST as reactivate } from "./keys/[keyId]/reactivate/route";
import { POST as revoke } from "./keys/[keyId]/revoke/route";
import { POST as roll } from "./keys/[keyId]/roll/route";
import { GET as getOne, PATCH as patch } from "./keys/[keyId]/route";
import { POST as suspend } from "./keys/[keyId]/suspend/route";
import { POST as create, GET as list } from "./keys/route";
import { POST as verify } from "./keys/verify/route";
import { POST as usage } from "./usage/route";

// Every route of the OpenAPI document (and the Unkey-compatible ones), called in-process
// with a real database and a real root key, with hostile strings, numbers, lists,
// nesting and sizes in every field, path parameter and query parameter. Whatever comes
// in: no 5xx, a 400 names a field the request had, and a refused call writes nothing.
// fast-check prints the seed of a failure; FUZZ_SEED=<seed> replays it, FUZZ_RUNS=<n>
// runs longer.

setupTestDatabase();
setupTestCounters();

type Handler = (
  request: Request,
  context: { params: Promise<{ keyId: string }> },
) => Promise<Response>;

/** The handler of each documented operation; a route added to the document needs one. */
const HANDLERS: Record<string, Handler> = {
  "POST /api/v1/keys/verify": verify,
  "POST /api/v1/usage": usage,
  "GET /api/v1/keys": list,
  "POST /api/v1/keys": create,
  "GET /api/v1/keys/{keyId}": getOne,
  "PATCH /api/v1/keys/{keyId}": patch,
  "POST /api/v1/keys/{keyId}/revoke": revoke,
  "POST /api/v1/keys/{keyId}/roll": roll,
  "POST /api/v1/keys/{keyId}/suspend": suspend,
  "POST /api/v1/keys/{keyId}/reactivate": reactivate,
};

/** Valid bodies to start from, so a single hostile field is what gets judged. */
const BASE_BODIES: Record<string, Record<string, unknown>> = {
  "POST /api/v1/keys/verify": { key: "kp_unknown" },
  "POST /api/v1/usage": { requestId: "req_fuzz", costCents: 1 },
  "POST /api/v1/keys": { name: "fuzz" },
  "PATCH /api/v1/keys/{keyId}": {},
  "POST /api/v1/keys/{keyId}/revoke": { reason: "fuzz" },
  "POST /api/v1/keys/{keyId}/roll": { grace: "0" },
};

type Operation = {
  id: string;
  method: string;
  path: string;
  bodyFields: string[];
  queryFields: string[];
  statuses: number[];
};

function documentedOperations(): Operation[] {
  const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as {
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema: { properties?: object } }> };
        responses: Record<string, unknown>;
      };
      const schema = op.requestBody?.content["application/json"]?.schema;
      operations.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        bodyFields: Object.keys(schema?.properties ?? {}),
        queryFields: (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
        statuses: Object.keys(op.responses).map(Number),
      });
    }
  }
  return operations;
}

let tenant: TestTenant;
let rootKey: string;
let keyId: string;

beforeAll(async () => {
  // Verifications buffer usage; a flush landing between two snapshots would look like a
  // write by the call in between, so the buffer is only ever discarded here.
  pauseFlushTimerForTesting(true);
  ({ tenant } = await createTenantWithOwner());
  rootKey = await insertRootKey(tenant.id, [
    "keys:read",
    "keys:write",
    "keys:verify",
    "usage:write",
  ]);
  keyId = (await insertKey(tenant.id)).id;
});
afterAll(() => {
  discardBufferedUsageForTesting();
  pauseFlushTimerForTesting(false);
});

/** Everything the tenant has, usage included; equal before and after a refused call. */
function snapshot(): Promise<string> {
  return tenantFingerprint(tenant.id);
}

type Sent = { fields: string[]; documented: string[]; response: Response };

/** The top-level keys of a raw body that happens to be a JSON object. */
function keysOfRaw(raw: string | undefined): string[] {
  try {
    const value: unknown = JSON.parse(raw ?? "");
    return typeof value === "object" && value !== null ? Object.keys(value) : [];
  } catch {
    return [];
  }
}

/** What a 400 names: `fields` of the native API, `errors[].location` of the v2 one. */
async function namedFields(response: Response): Promise<string[]> {
  const body = (await response.json()) as {
    error?: { fields?: Record<string, string[]>; errors?: { location: string }[] };
  };
  if (body.error?.errors)
    return body.error.errors.map((e) => e.location.replace(/^body\.?/, "") || "body");
  return Object.keys(body.error?.fields ?? {});
}

/**
 * The status is documented, below 500, and a 400 names a field that was sent or that the
 * operation documents (a required field that is missing is named too).
 */
async function judge(sent: Sent, statuses: number[], before: string): Promise<void> {
  const { response } = sent;
  const fields = [...sent.fields, ...sent.documented];
  const status = response.status;
  expect(status, "never a 5xx").toBeLessThan(500);
  if (statuses.length > 0) expect(statuses, `status ${status} is documented`).toContain(status);
  if (status === 400) {
    const named = await namedFields(response);
    expect(named.length, "a 400 names a field").toBeGreaterThan(0);
    for (const name of named) {
      const top = name.split(".")[0] ?? "";
      expect([...fields, "body"], `"${name}" was in the request`).toContain(top);
    }
  }
  if (status >= 400) expect(await snapshot(), "a refused call writes nothing").toBe(before);
}

const pathKeyId = fc.oneof(
  hostileString,
  fc.constant("cunknownkeyid0000000000000"),
  fc.constant("KEY"),
);

/** A body: the base body with one field replaced, a few hostile fields, or raw text. */
function bodyFor(op: Operation) {
  const base = BASE_BODIES[op.id] ?? {};
  const field = op.bodyFields.length > 0 ? fc.constantFrom(...op.bodyFields) : fc.constant("name");
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(field, hostileValue)
        .map(([name, value]) => ({ json: { ...base, [name]: value } })),
    },
    fc
      .dictionary(field, hostileValue, { maxKeys: 3 })
      .map((extra) => ({ json: { ...base, ...extra } })),
    fc.record({ raw: hostileRawBody }),
  );
}

/** A path segment; a lone surrogate cannot be percent-encoded, and the id goes in params anyway. */
function segment(id: string): string {
  try {
    return encodeURIComponent(id);
  } catch {
    return "x";
  }
}

function send(
  op: Operation,
  input: { json?: unknown; raw?: string },
  id: string,
  query: [string, string][],
) {
  const target = new URL(`http://localhost${op.path.replace("{keyId}", segment(id))}`);
  for (const [name, value] of query) target.searchParams.append(name, value);
  const hasBody = op.method !== "GET";
  const request = new Request(target, {
    method: op.method,
    headers: { "content-type": "application/json", authorization: `Bearer ${rootKey}` },
    body: hasBody ? (input.raw ?? JSON.stringify(input.json ?? {})) : undefined,
  });
  const handler = HANDLERS[op.id];
  if (!handler) throw new Error(`no handler for ${op.id}`);
  return handler(request, { params: Promise.resolve({ keyId: id === "KEY" ? keyId : id }) });
}

describe("every documented route, with hostile input", () => {
  const operations = documentedOperations();

  it("has a handler here for each operation of the document", () => {
    expect(operations.map((op) => op.id).sort()).toEqual(Object.keys(HANDLERS).sort());
  });

  for (const op of operations) {
    const usesKeyId = op.path.includes("{keyId}");
    it(`${op.id}: no 5xx, a 400 names a field that was sent, a refusal writes nothing`, {
      timeout: 120_000,
    }, async () => {
      const query = fc.array(
        fc.tuple(
          op.queryFields.length > 0 ? fc.constantFrom(...op.queryFields) : fc.constant("q"),
          hostileString,
        ),
        { maxLength: 3 },
      );
      await fc.assert(
        fc.asyncProperty(
          bodyFor(op),
          usesKeyId ? pathKeyId : fc.constant(""),
          query,
          async (body, id, params) => {
            const before = await snapshot();
            const response = await send(op, body, id, op.method === "GET" ? params : []);
            const fields = [
              ...Object.keys((body as { json?: object }).json ?? {}),
              ...(usesKeyId ? ["keyId"] : []),
              ...params.map(([name]) => name),
            ];
            await judge({ fields, documented: op.bodyFields, response }, op.statuses, before);
          },
        ),
        fuzzParameters(25),
      );
    });
  }
});

describe("the Unkey-compatible routes, with hostile input", () => {
  const V2: [string, Handler, Record<string, unknown>, string[]][] = [
    [
      "createKey",
      createV2 as Handler,
      { apiId: "api_fuzz" },
      [
        "apiId",
        "name",
        "externalId",
        "meta",
        "permissions",
        "roles",
        "prefix",
        "byteLength",
        "expires",
        "credits",
        "ratelimits",
        "enabled",
      ],
    ],
    [
      "verifyKey",
      verifyV2 as Handler,
      { key: "kp_unknown" },
      ["key", "tags", "permissions", "credits", "ratelimits", "migrationId"],
    ],
  ];
  for (const [name, handler, base, bodyFields] of V2) {
    it(`${name}: no 5xx, a 400 names a field that was sent, a refusal writes nothing`, {
      timeout: 120_000,
    }, async () => {
      const op: Operation = {
        id: name,
        method: "POST",
        path: `/v2/keys.${name}`,
        bodyFields,
        queryFields: [],
        statuses: [],
      };
      await fc.assert(
        fc.asyncProperty(bodyFor(op), async (body) => {
          const before = await snapshot();
          const json = "json" in body ? { ...base, ...(body.json as object) } : undefined;
          const request = new Request(`http://localhost${op.path}`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${rootKey}` },
            body: "raw" in body ? body.raw : JSON.stringify(json),
          });
          const response = await handler(request, { params: Promise.resolve({ keyId: "" }) });
          const fields = json ? Object.keys(json) : keysOfRaw((body as { raw?: string }).raw);
          await judge({ fields, documented: bodyFields, response }, [], before);
        }),
        fuzzParameters(40),
      );
    });
  }
});
