import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as verifyRoute } from "@/app/api/v1/keys/verify/route";
import { POST as verifyV2Route } from "@/app/v2/keys.verifyKey/route";
import {
  isCoalescing,
  keyLookupStats,
  MAX_SINGLE_LOOKUPS_IN_FLIGHT,
  NOT_FOUND_LIMIT_PER_REPORTED_IP,
  resetNotFoundLimiter,
} from "@/lib/api/not-found-limiter";
import { insertRootKey, jsonOf, post } from "@/lib/api/test-support";
import { db } from "@/lib/db";
import { generateKey, hashKey, parseKey } from "@/lib/keys/format";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { clearKeyCache } from "@/lib/verify/cache";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";

// A flood of unknown keys from one tenant's backend (one address, one root key) must
// neither refuse that tenant's real keys nor touch any other tenant, and must not cost a
// database lookup per key.

setupTestDatabase();
setupTestCounters();

const V1 = "http://localhost/api/v1/keys/verify";
const V2 = "http://localhost/v2/keys.verifyKey";
/** The one transport address every request comes from: the tenants' shared gateway. */
const SHARED_ADDRESS = "203.0.113.50";
const FLOOD = 1_000;

let tenant: TestTenant;
let other: TestTenant;
let rootKey: string;
let otherRootKey: string;

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  ({ tenant: other } = await createTenantWithOwner());
  rootKey = await insertRootKey(tenant.id, ["keys:verify"]);
  otherRootKey = await insertRootKey(other.id, ["keys:verify"]);
});
beforeEach(() => {
  resetNotFoundLimiter();
  clearKeyCache();
});
afterAll(async () => {
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

const rootKeyIdOf = async (plaintext: string) =>
  (await db().rootKey.findUniqueOrThrow({ where: { hash: hashKey(plaintext) } })).id;

/** Well-formed keys (prefix, length, checksum) that exist nowhere. */
function randomKeys(n: number): string[] {
  const keys = Array.from({ length: n }, () => generateKey("kp").key);
  for (const key of keys) expect(parseKey(key)).not.toBeNull();
  return keys;
}

const lookups = () => {
  const { single, batches } = keyLookupStats();
  return single + batches;
};

async function verifyV1(key: string, token: string, ip?: string) {
  const body = ip === undefined ? { key } : { key, ip };
  const response = await verifyRoute(post(V1, body, { rootKey: token, ip: SHARED_ADDRESS }));
  return { status: response.status, body: await jsonOf(response) };
}

describe("a flood of unknown keys", () => {
  it("1,000 random keys, then a valid uncached key of the same root key is VALID; another tenant is unaffected; lookups are bounded", async () => {
    const valid = await insertKey(tenant.id);
    const inFlood = await insertKey(tenant.id);
    const otherValid = await insertKey(other.id);
    const before = lookups();

    const keys = randomKeys(FLOOD);
    // The whole flood at once, with one real key in the middle of it.
    keys.splice(FLOOD / 2, 0, inFlood.plaintext);
    const answers = await Promise.all(keys.map((key) => verifyV1(key, rootKey)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const codes = answers.map((a) => a.body.code);
    expect(codes.filter((c) => c === "NOT_FOUND").length).toBe(FLOOD);
    expect(answers[FLOOD / 2]?.body).toMatchObject({ code: "VALID", keyId: inFlood.id });

    // Far fewer lookups than keys: the cap's worth one by one, then a few batches.
    const used = lookups() - before;
    console.log(`[flood] ${FLOOD} unknown keys cost ${used} database lookups`);
    expect(used).toBeLessThanOrEqual(MAX_SINGLE_LOOKUPS_IN_FLIGHT + 20);

    // The same root key, the same address: its real, uncached key verifies.
    expect(await verifyV1(valid.plaintext, rootKey)).toMatchObject({
      status: 200,
      body: { valid: true, code: "VALID", keyId: valid.id },
    });
    // Another tenant behind the same address: unaffected, and looked up on its own.
    const single = keyLookupStats().single;
    expect(await verifyV1(otherValid.plaintext, otherRootKey)).toMatchObject({
      status: 200,
      body: { valid: true, code: "VALID", keyId: otherValid.id },
    });
    expect(keyLookupStats().single).toBe(single + 1);
    expect(isCoalescing(await rootKeyIdOf(otherRootKey))).toBe(false);
  });

  it("one after another, past the cap: never refused, and coalesced lookups share queries", async () => {
    const valid = await insertKey(tenant.id);
    const client = "198.51.100.66";
    for (const key of randomKeys(NOT_FOUND_LIMIT_PER_REPORTED_IP)) {
      expect((await verifyV1(key, rootKey, client)).body.code).toBe("NOT_FOUND");
    }
    expect(isCoalescing(await rootKeyIdOf(rootKey), client)).toBe(true);
    const { single } = keyLookupStats();
    // In groups of 50 at once: each group shares a batch query.
    const before = lookups();
    for (let round = 0; round < 4; round++) {
      const group = randomKeys(50);
      const answers = await Promise.all(group.map((key) => verifyV1(key, rootKey, client)));
      expect(answers.every((a) => a.body.code === "NOT_FOUND")).toBe(true);
    }
    expect(keyLookupStats().single).toBe(single);
    expect(lookups() - before).toBeLessThanOrEqual(8);
    expect((await verifyV1(valid.plaintext, rootKey, client)).body.code).toBe("VALID");
  });

  it("the end-client ip a caller reports scopes the cap within its root key", async () => {
    const rootKeyId = await rootKeyIdOf(rootKey);
    for (const key of randomKeys(NOT_FOUND_LIMIT_PER_REPORTED_IP)) {
      await verifyV1(key, rootKey, "198.51.100.66");
    }
    expect(isCoalescing(rootKeyId, "198.51.100.66")).toBe(true);
    // The tenant's other end clients, and its calls that report none, still get single
    // lookups: one abusive end client does not slow down the rest of its tenant.
    expect(isCoalescing(rootKeyId, "198.51.100.77")).toBe(false);
    expect(isCoalescing(rootKeyId)).toBe(false);
    const single = keyLookupStats().single;
    const valid = await insertKey(tenant.id);
    expect((await verifyV1(valid.plaintext, rootKey, "198.51.100.77")).body.code).toBe("VALID");
    expect(keyLookupStats().single).toBe(single + 1);
  });

  it("v2: a flood on one root key never answers 429, and a valid key is VALID", async () => {
    const valid = await insertKey(tenant.id);
    const v2 = async (key: string, token: string) => {
      const response = await verifyV2Route(
        post(V2, { key }, { rootKey: token, ip: SHARED_ADDRESS }),
      );
      return { status: response.status, body: await jsonOf(response) };
    };
    const answers = await Promise.all(randomKeys(300).map((key) => v2(key, rootKey)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await v2(valid.plaintext, rootKey)).toMatchObject({
      status: 200,
      body: { data: { valid: true, code: "VALID" } },
    });
  });
});
