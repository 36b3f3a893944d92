import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey } from "@/lib/keys/format";
import { setupTestDatabase, testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import {
  type KeyRecord,
  loadKeyRecord,
  loadKeyRecordFromPool,
  loadKeyRecordThroughPrisma,
} from "./record";
import { insertKey, insertRetiredSecret } from "./test-support";

// On PostgreSQL a cache miss reads the key with one SQL statement on the pool; on PGlite
// through Prisma. Both must build the same record, whatever the process's time zone.

const database = setupTestDatabase();
let tenant: TestTenant;
const savedTz = process.env.TZ;

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  // A zone far from UTC: a timestamp read as local time would be hours off.
  process.env.TZ = "Pacific/Kiritimati";
});
afterAll(() => {
  process.env.TZ = savedTz;
  if (savedTz === undefined) delete process.env.TZ;
});

/** The record's data, without the compiled matchers (functions). */
function data(record: KeyRecord | null) {
  if (record === null) return null;
  const { isIpAllowed, isEndpointAllowed, isResourceAllowed, hasScope, ...rest } = record;
  return rest;
}

async function everyField() {
  return insertKey(tenant.id, {
    name: "all fields",
    status: "SUSPENDED",
    scopes: ["orders:read", "users:*"],
    expiresAt: new Date("2027-03-04T05:06:07.089Z"),
    rateLimitPerMinute: 10,
    rateLimitPerHour: 100,
    rateLimitPerDay: 1000,
    budgetCents: 5000,
    budgetPeriod: "MONTHLY",
    budgetSpentCents: 1234,
    budgetPeriodStart: new Date("2026-11-01T00:00:00.000Z"),
    ipAllowlist: ["10.0.0.0/8", "2001:db8::/32"],
    allowedEndpoints: ["GET /v1/*"],
    allowedResources: ["project:42"],
    metadata: { plan: "pro", seats: [1, 2] },
  });
}

describe("loadKeyRecord", () => {
  it("reads every field of a current secret as instants in UTC", async () => {
    const key = await everyField();
    const record = await loadKeyRecord(key.hash);
    expect(data(record)).toEqual({
      id: key.id,
      tenantId: tenant.id,
      name: "all fields",
      status: "SUSPENDED",
      scopes: ["orders:read", "users:*"],
      expiresAt: new Date("2027-03-04T05:06:07.089Z"),
      graceEndsAt: null,
      limits: [
        { window: "minute", limit: 10 },
        { window: "hour", limit: 100 },
        { window: "day", limit: 1000 },
      ],
      budget: { limitCents: 5000, period: "MONTHLY" },
      lastKnownSpentCents: 1234,
      lastKnownPeriodStart: new Date("2026-11-01T00:00:00.000Z"),
      meta: { plan: "pro", seats: [1, 2] },
      hasIpAllowlist: true,
    });
    expect(record?.isIpAllowed("10.1.2.3")).toBe(true);
    expect(record?.isIpAllowed("192.0.2.1")).toBe(false);
    expect(record?.hasScope("users:write")).toBe(true);
  });

  it("reads a rolled-away secret with its grace end, and null for an unknown hash", async () => {
    const key = await insertKey(tenant.id, { name: "rolled" });
    const graceEndsAt = new Date("2026-12-01T10:00:00.500Z");
    const old = await insertRetiredSecret({ tenantId: tenant.id, id: key.id }, graceEndsAt);
    const record = await loadKeyRecord(old.hash);
    expect(record).toMatchObject({ id: key.id, name: "rolled", graceEndsAt });
    expect(await loadKeyRecord(generateKey("kp").hash)).toBeNull();
  });

  it.runIf(testsUsePostgres)("builds the same records on the pool as through Prisma", async () => {
    const pool = database().pool;
    if (!pool) throw new Error("the PostgreSQL test database comes with a pool");
    const plain = await insertKey(tenant.id, { name: "plain" });
    const full = await everyField();
    const old = await insertRetiredSecret(
      { tenantId: tenant.id, id: full.id },
      new Date("2026-12-24T00:00:00.001Z"),
    );
    for (const hash of [plain.hash, full.hash, old.hash, generateKey("kp").hash]) {
      expect(data(await loadKeyRecordFromPool(pool, hash))).toEqual(
        data(await loadKeyRecordThroughPrisma(hash)),
      );
    }
  });
});
