import { describe, expect, it } from "vitest";
import { generateKey } from "@/lib/keys/format";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner } from "@/lib/testing/fixtures";
import { loadKeyRecord } from "./record";
import { loadKeyRecords } from "./record-batch";
import { insertKey, insertRetiredSecret } from "./test-support";

setupTestDatabase();

/** A record as data: the compiled matchers compared by what they answer. */
function comparable(record: Awaited<ReturnType<typeof loadKeyRecord>>) {
  if (record === null) return null;
  const { isIpAllowed, isEndpointAllowed, isResourceAllowed, hasScope, ...data } = record;
  return {
    ...data,
    answers: [
      isIpAllowed("10.1.2.3"),
      isIpAllowed("192.0.2.1"),
      isEndpointAllowed("GET /orders"),
      isResourceAllowed("gpt-4"),
      hasScope("orders:read"),
    ],
  };
}

describe("loadKeyRecords (the coalesced lookup's query)", () => {
  it("answers hash by hash as loadKeyRecord does: current, rolled-away and unknown", async () => {
    const { tenant } = await createTenantWithOwner();
    const plain = await insertKey(tenant.id);
    const rich = await insertKey(tenant.id, {
      scopes: ["orders:*"],
      ipAllowlist: ["10.0.0.0/8"],
      allowedEndpoints: ["GET /orders"],
      rateLimitPerMinute: 5,
      budgetCents: 100,
      budgetPeriod: "MONTHLY",
      metadata: { plan: "pro" },
    });
    const retired = await insertRetiredSecret(
      { tenantId: tenant.id, id: rich.id },
      new Date(Date.now() + 60_000),
    );
    const unknown = [generateKey("kp").hash, generateKey("kp").hash];
    const hashes = [plain.hash, rich.hash, retired.hash, ...unknown, plain.hash];
    const found = await loadKeyRecords(hashes);
    expect([...found.keys()].sort()).toEqual([plain.hash, rich.hash, retired.hash].sort());
    for (const hash of new Set(hashes)) {
      expect(comparable(found.get(hash) ?? null)).toEqual(comparable(await loadKeyRecord(hash)));
    }
    expect(found.get(retired.hash)?.graceEndsAt).toBeInstanceOf(Date);
    expect(await loadKeyRecords([])).toEqual(new Map());
  });
});
