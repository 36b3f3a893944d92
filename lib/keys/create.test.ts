import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { auditEventsOf } from "@/lib/testing/fixtures";
import { createKey, getKey, listKeyAudit } from "./data";
import { formatUtcDay, latestAllowedExpiry } from "./expiry";
import { hashKey, parseKey } from "./format";
import { createKeySchema } from "./schemas";
import {
  addCatalog,
  createOrg,
  daysFromNow,
  expectSecretNotStored,
  type Org,
  parseOrFail,
  tenantState,
} from "./test-support";

setupTestDatabase();

const CATALOG = ["orders:read", "orders:write", "orders:items:read", "users:read"];

let org: Org;
let other: Org;

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await addCatalog(org.tenant.id, CATALOG, ["legacy:read"]);
  await addCatalog(other.tenant.id, ["billing:read"]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function input(fields: Record<string, unknown>) {
  return parseOrFail(createKeySchema, { name: "Checkout", ...fields });
}

async function setPolicy(
  tenantId: string,
  policy: {
    defaultExpiryDays?: number | null;
    maxLifetimeDays?: number | null;
    requireExpiry?: boolean;
  },
) {
  await db().tenant.update({
    where: { id: tenantId },
    data: { defaultExpiryDays: null, maxLifetimeDays: null, requireExpiry: false, ...policy },
  });
}

describe("createKey", () => {
  it("returns the plaintext once and stores only its hash, start and last4", async () => {
    const logged: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
    const { key, plaintext } = await createKey(
      org.admin.ctx,
      input({
        scopes: "orders:read,orders:*",
        tags: "prod",
        metadata: '{"team":"checkout"}',
        rateLimitPerMinute: "60",
        budgetCents: "500",
        budgetPeriod: "MONTHLY",
        ipAllowlist: "10.0.0.0/8",
      }),
    );
    expect(parseKey(plaintext)?.prefix).toBe("kp");
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.hash).toBe(hashKey(plaintext));
    expect(plaintext.startsWith(row.start)).toBe(true);
    expect(plaintext.endsWith(row.last4)).toBe(true);
    expect(key.display).toBe(`${row.start}…${row.last4}`);
    expect(JSON.stringify(key)).not.toContain(row.hash);
    expect(JSON.stringify(key)).not.toContain(plaintext);
    await expectSecretNotStored(plaintext);
    expect(logged.join("\n")).not.toContain(plaintext);

    expect(key).toMatchObject({
      name: "Checkout",
      status: "ACTIVE",
      scopes: ["orders:read", "orders:*"],
      tags: ["prod"],
      metadata: { team: "checkout" },
      rateLimits: { perMinute: 60, perHour: null, perDay: null },
      budget: { limitCents: 500, spentCents: 0, period: "MONTHLY" },
      ipAllowlist: ["10.0.0.0/8"],
      createdBy: { type: "USER", id: org.admin.user.id, label: org.admin.user.email },
      retiredSecrets: [],
    });
  });

  it("audits the settings as key.created, without hash or plaintext", async () => {
    const { key, plaintext } = await createKey(org.owner.ctx, input({ tags: "audit-me" }));
    const events = (await auditEventsOf(org.tenant.id)).filter((e) => e.targetId === key.id);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      action: "key.created",
      targetType: "key",
      actorType: "USER",
      actorId: org.owner.user.id,
      actorLabel: org.owner.user.email,
      before: null,
    });
    expect(event?.after).toMatchObject({
      display: key.display,
      name: "Checkout",
      tags: ["audit-me"],
      scopes: [],
      expiresAt: null,
      budgetCents: null,
    });
    expect(JSON.stringify(event)).not.toContain(plaintext);
    expect(JSON.stringify(event?.after)).not.toMatch(/hash/i);
  });

  it("uses the tenant's prefix", async () => {
    await db().tenant.update({ where: { id: other.tenant.id }, data: { keyPrefix: "acme_live" } });
    const { plaintext, key } = await createKey(other.owner.ctx, input({}));
    expect(parseKey(plaintext)?.prefix).toBe("acme_live");
    expect(key.start.startsWith("acme_live_")).toBe(true);
  });

  it("checks scopes against the tenant's own catalog", async () => {
    await expect(
      createKey(org.admin.ctx, input({ scopes: "orders:read,orders:delete" })),
    ).rejects.toMatchObject({
      name: "ValidationError",
      field: "scopes",
      message: expect.stringContaining('"orders:delete"'),
    });
    // Another tenant's scope is as unknown as a made-up one.
    await expect(createKey(org.admin.ctx, input({ scopes: "billing:read" }))).rejects.toMatchObject(
      {
        field: "scopes",
      },
    );
    await expect(createKey(org.admin.ctx, input({ scopes: "legacy:read" }))).rejects.toMatchObject({
      field: "scopes",
      message: expect.stringContaining("Retired scopes cannot be granted"),
    });
    await expect(createKey(org.admin.ctx, input({ scopes: "billing:*" }))).rejects.toMatchObject({
      field: "scopes",
    });
    const { key } = await createKey(org.admin.ctx, input({ scopes: "*,orders:items:*" }));
    expect(key.scopes).toEqual(["*", "orders:items:*"]);
  });

  it("refuses viewers and writes nothing", async () => {
    const before = await tenantState(org.tenant.id);
    await expect(createKey(org.viewer.ctx, input({}))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await tenantState(org.tenant.id)).toBe(before);
  });

  it("writes nothing when validation fails in the DAL", async () => {
    const before = await tenantState(org.tenant.id);
    await expect(createKey(org.admin.ctx, input({ scopes: "nope:read" }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await tenantState(org.tenant.id)).toBe(before);
  });
});

describe("expiry policies on create", () => {
  it("applies the default expiry when none is given", async () => {
    await setPolicy(org.tenant.id, { defaultExpiryDays: 30 });
    const { key } = await createKey(org.admin.ctx, input({}));
    expect(key.expiresAt?.getTime()).toBeCloseTo(daysFromNow(30).getTime(), -4);
    const { key: explicit } = await createKey(org.admin.ctx, input({ expiresInDays: "3" }));
    expect(explicit.expiresAt?.getTime()).toBeCloseTo(daysFromNow(3).getTime(), -4);
  });

  it("enforces the maximum lifetime and names the latest date", async () => {
    await setPolicy(org.tenant.id, { maxLifetimeDays: 90 });
    const latest = formatUtcDay(latestAllowedExpiry(new Date(), 90));
    const before = await tenantState(org.tenant.id);
    await expect(createKey(org.admin.ctx, input({ expiresInDays: "91" }))).rejects.toMatchObject({
      name: "ValidationError",
      field: "expiresAt",
      message: expect.stringContaining(latest),
    });
    await expect(
      createKey(org.admin.ctx, input({ expiresAt: formatUtcDay(daysFromNow(120)) })),
    ).rejects.toMatchObject({ field: "expiresAt" });
    expect(await tenantState(org.tenant.id)).toBe(before);
    // The date the message names is accepted, and no expiry means "the maximum".
    const { key: atMax } = await createKey(org.admin.ctx, input({ expiresAt: latest }));
    expect(formatUtcDay(atMax.expiresAt ?? new Date(0))).toBe(latest);
    const { key: implicit } = await createKey(org.admin.ctx, input({}));
    expect(implicit.expiresAt?.getTime()).toBeCloseTo(daysFromNow(90).getTime(), -4);
  });

  it("requires an expiry when the tenant says so", async () => {
    await setPolicy(org.tenant.id, { requireExpiry: true });
    await expect(createKey(org.admin.ctx, input({}))).rejects.toMatchObject({
      field: "expiresAt",
      message: expect.stringContaining("requires every key to expire"),
    });
    const { key } = await createKey(org.admin.ctx, input({ expiresInDays: "1" }));
    expect(key.expiresAt).not.toBeNull();
    await setPolicy(org.tenant.id, { requireExpiry: true, defaultExpiryDays: 7 });
    const { key: defaulted } = await createKey(org.admin.ctx, input({}));
    expect(defaulted.expiresAt?.getTime()).toBeCloseTo(daysFromNow(7).getTime(), -4);
    await setPolicy(org.tenant.id, {});
  });
});

describe("getKey and listKeyAudit", () => {
  it("read the tenant's own keys only", async () => {
    const { key } = await createKey(org.admin.ctx, input({ name: "Readable" }));
    await expect(getKey(org.viewer.ctx, key.id)).resolves.toMatchObject({ name: "Readable" });
    await expect(getKey(other.owner.ctx, key.id)).rejects.toThrow(
      new NotFoundError("Key not found."),
    );
    await expect(getKey(org.viewer.ctx, "does-not-exist")).rejects.toBeInstanceOf(NotFoundError);
    const history = await listKeyAudit(org.viewer.ctx, key.id);
    expect(history.map((e) => e.action)).toEqual(["key.created"]);
    expect(history[0]).toMatchObject({ actorLabel: org.admin.user.email, actorType: "USER" });
    await expect(listKeyAudit(other.owner.ctx, key.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("derives EXPIRED from the expiry", async () => {
    const { key } = await createKey(org.admin.ctx, input({ expiresInDays: "1" }));
    await db().apiKey.update({
      where: { id: key.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expect(getKey(org.admin.ctx, key.id)).resolves.toMatchObject({ status: "EXPIRED" });
  });
});
