import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createKey, getKey, revokeKey, updateKey } from "./data";
import { type KeyChangedEvent, onKeyChanged } from "./events";
import { startOfUtcMonth } from "./expiry";
import { createKeySchema, updateKeySchema } from "./schemas";
import {
  addCatalog,
  createOrg,
  daysFromNow,
  type Org,
  parseOrFail,
  tenantState,
} from "./test-support";

setupTestDatabase();

let org: Org;
let other: Org;
const events: KeyChangedEvent[] = [];
let unsubscribe: () => void = () => {};

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await addCatalog(org.tenant.id, ["orders:read", "orders:write", "users:read"], ["old:read"]);
  unsubscribe = onKeyChanged((event) => events.push(event));
});

afterAll(() => unsubscribe());

async function newKey(fields: Record<string, unknown> = {}) {
  const { key } = await createKey(
    org.admin.ctx,
    parseOrFail(createKeySchema, { name: "Editable", ...fields }),
  );
  return key;
}

function edit(keyId: string, fields: Record<string, unknown>) {
  return parseOrFail(updateKeySchema, { keyId, ...fields });
}

async function lastAudit(keyId: string) {
  return db().auditEvent.findFirst({
    where: { tenantId: org.tenant.id, targetId: keyId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

describe("updateKey", () => {
  it("changes only the given fields and audits exactly those, before and after", async () => {
    const key = await newKey({
      scopes: "orders:read",
      tags: "a",
      rateLimitPerMinute: "10",
      description: "same",
    });
    events.length = 0;
    const updated = await updateKey(
      org.admin.ctx,
      edit(key.id, {
        name: "Renamed",
        description: "same",
        scopes: "orders:read,orders:write",
        rateLimitPerMinute: "20",
        budgetCents: "1000",
        budgetPeriod: "TOTAL",
        metadata: '{"env":"prod"}',
      }),
    );
    expect(updated).toMatchObject({
      name: "Renamed",
      description: "same",
      scopes: ["orders:read", "orders:write"],
      tags: ["a"],
      rateLimits: { perMinute: 20 },
      budget: { limitCents: 1000, spentCents: 0, period: "TOTAL" },
      metadata: { env: "prod" },
    });
    const audit = await lastAudit(key.id);
    expect(audit?.action).toBe("key.updated");
    expect(audit?.before).toEqual({
      name: "Editable",
      scopes: ["orders:read"],
      rateLimitPerMinute: 10,
      budgetCents: null,
      budgetPeriod: null,
      metadata: null,
    });
    expect(audit?.after).toEqual({
      name: "Renamed",
      scopes: ["orders:read", "orders:write"],
      rateLimitPerMinute: 20,
      budgetCents: 1000,
      budgetPeriod: "TOTAL",
      metadata: { env: "prod" },
    });
    const stored = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(events).toEqual([{ tenantId: org.tenant.id, keyId: key.id, hashes: [stored.hash] }]);
  });

  it("clears settings sent empty and writes nothing when nothing changes", async () => {
    const key = await newKey({ tags: "x,y", rateLimitPerDay: "5", metadata: '{"a":1}' });
    const cleared = await updateKey(
      org.admin.ctx,
      edit(key.id, { tags: "", rateLimitPerDay: "", metadata: "" }),
    );
    expect(cleared).toMatchObject({ tags: [], rateLimits: { perDay: null }, metadata: null });
    const count = await db().auditEvent.count({ where: { targetId: key.id } });
    events.length = 0;
    await updateKey(org.admin.ctx, edit(key.id, { name: "Editable", tags: "" }));
    expect(await db().auditEvent.count({ where: { targetId: key.id } })).toBe(count);
    expect(events).toEqual([]);
  });

  it("keeps a retired scope the key already holds but refuses to add one", async () => {
    const key = await newKey({ scopes: "users:read" });
    await db().apiKey.update({
      where: { id: key.id },
      data: { scopes: ["users:read", "old:read"] },
    });
    const kept = await updateKey(
      org.admin.ctx,
      edit(key.id, { scopes: "users:read,old:read,orders:read" }),
    );
    expect(kept.scopes).toEqual(["users:read", "old:read", "orders:read"]);
    const fresh = await newKey();
    await expect(
      updateKey(org.admin.ctx, edit(fresh.id, { scopes: "old:read" })),
    ).rejects.toMatchObject({ field: "scopes" });
    await expect(
      updateKey(org.admin.ctx, edit(fresh.id, { scopes: "ghost:read" })),
    ).rejects.toMatchObject({ field: "scopes", message: expect.stringContaining('"ghost:read"') });
  });

  it("resets what a budget has spent", async () => {
    const key = await newKey({ budgetCents: "1000", budgetPeriod: "MONTHLY" });
    await db().apiKey.update({ where: { id: key.id }, data: { budgetSpentCents: 900 } });
    const reset = await updateKey(org.admin.ctx, edit(key.id, { resetSpent: "on" }));
    expect(reset.budget).toMatchObject({ spentCents: 0, limitCents: 1000, period: "MONTHLY" });
    expect(reset.budget?.periodStart?.getTime()).toBe(startOfUtcMonth(new Date()).getTime());
    const audit = await lastAudit(key.id);
    expect(audit?.before).toEqual({ budgetSpentCents: 900 });
    expect(audit?.after).toEqual({ budgetSpentCents: 0 });
  });

  it("needs a period for a new budget and drops the period with the budget", async () => {
    const key = await newKey();
    await expect(
      updateKey(org.admin.ctx, edit(key.id, { budgetCents: "100" })),
    ).rejects.toMatchObject({
      field: "budgetPeriod",
    });
    await updateKey(org.admin.ctx, edit(key.id, { budgetCents: "100", budgetPeriod: "TOTAL" }));
    const dropped = await updateKey(org.admin.ctx, edit(key.id, { budgetCents: "" }));
    expect(dropped.budget).toBeNull();
    const stored = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(stored.budgetPeriod).toBeNull();
  });

  it("refuses other tenants' keys, viewers and revoked keys, writing nothing", async () => {
    const key = await newKey({ tags: "keep" });
    const before = await tenantState(org.tenant.id);
    await expect(updateKey(other.owner.ctx, edit(key.id, { name: "Hijacked" }))).rejects.toThrow(
      new NotFoundError("Key not found."),
    );
    await expect(updateKey(org.viewer.ctx, edit(key.id, { name: "Nope" }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await tenantState(org.tenant.id)).toBe(before);
    await revokeKey(org.admin.ctx, key.id, "leaked");
    await expect(updateKey(org.admin.ctx, edit(key.id, { name: "Late" }))).rejects.toMatchObject({
      name: "ValidationError",
    });
    expect((await getKey(org.admin.ctx, key.id)).name).toBe("Editable");
  });
});

describe("expiry policies on update", () => {
  async function policy(fields: { maxLifetimeDays?: number | null; requireExpiry?: boolean }) {
    await db().tenant.update({
      where: { id: org.tenant.id },
      data: { maxLifetimeDays: null, requireExpiry: false, defaultExpiryDays: null, ...fields },
    });
  }

  it("sets, extends and clears the expiry", async () => {
    await policy({});
    const key = await newKey();
    const set = await updateKey(org.admin.ctx, edit(key.id, { expiresInDays: "10" }));
    expect(set.expiresAt?.getTime()).toBeCloseTo(daysFromNow(10).getTime(), -4);
    const extended = await updateKey(
      org.admin.ctx,
      edit(key.id, { expiresAt: daysFromNow(40).toISOString() }),
    );
    expect(extended.expiresAt?.getTime()).toBeCloseTo(daysFromNow(40).getTime(), -4);
    const cleared = await updateKey(org.admin.ctx, edit(key.id, { clearExpiry: "on" }));
    expect(cleared.expiresAt).toBeNull();
    const audit = await lastAudit(key.id);
    expect(audit?.before).toEqual({ expiresAt: extended.expiresAt?.toISOString() });
    expect(audit?.after).toEqual({ expiresAt: null });
  });

  it("refuses clearing when expiry is required or lifetimes are capped", async () => {
    const key = await newKey({ expiresInDays: "5" });
    await policy({ requireExpiry: true });
    await expect(
      updateKey(org.admin.ctx, edit(key.id, { clearExpiry: "on" })),
    ).rejects.toMatchObject({
      field: "expiresAt",
    });
    await policy({ maxLifetimeDays: 30 });
    await expect(
      updateKey(org.admin.ctx, edit(key.id, { clearExpiry: "on" })),
    ).rejects.toMatchObject({
      field: "expiresAt",
    });
    expect((await getKey(org.admin.ctx, key.id)).expiresAt).not.toBeNull();
  });

  it("counts the maximum lifetime from the key's creation", async () => {
    await policy({});
    const key = await newKey({ expiresInDays: "5" });
    await db().apiKey.update({ where: { id: key.id }, data: { createdAt: daysFromNow(-20) } });
    await policy({ maxLifetimeDays: 30 });
    await expect(
      updateKey(org.admin.ctx, edit(key.id, { expiresInDays: "15" })),
    ).rejects.toMatchObject({
      field: "expiresAt",
      message: expect.stringContaining("at most 30 days"),
    });
    const ok = await updateKey(org.admin.ctx, edit(key.id, { expiresInDays: "9" }));
    expect(ok.expiresAt?.getTime()).toBeCloseTo(daysFromNow(9).getTime(), -4);
    // Unrelated edits to a key that predates the policy are not blocked by it.
    await policy({ maxLifetimeDays: 1 });
    await expect(
      updateKey(org.admin.ctx, edit(key.id, { name: "Still editable" })),
    ).resolves.toMatchObject({ name: "Still editable" });
    await policy({});
  });
});
