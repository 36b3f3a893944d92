import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  bulkUpdateKeys,
  createKey,
  getKey,
  reactivateKey,
  revokeKey,
  rollKey,
  suspendKey,
} from "./data";
import { type KeyChangedEvent, onKeyChanged } from "./events";
import { hashKey, parseKey } from "./format";
import { createKeySchema } from "./schemas";
import {
  createOrg,
  expectSecretNotStored,
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
  unsubscribe = onKeyChanged((event) => events.push(event));
});

afterAll(() => unsubscribe());

async function newKey(name = "Lifecycle") {
  const { key, plaintext } = await createKey(
    org.admin.ctx,
    parseOrFail(createKeySchema, { name, scopes: "", tags: "svc" }),
  );
  return { ...key, plaintext };
}

async function stored(keyId: string) {
  return db().apiKey.findUniqueOrThrow({ where: { id: keyId } });
}

async function auditFor(keyId: string) {
  return db().auditEvent.findMany({
    where: { targetId: keyId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

describe("revokeKey", () => {
  it("revokes for good, keeps the row and records who, when and why", async () => {
    const key = await newKey();
    events.length = 0;
    await revokeKey(org.admin.ctx, key.id, "  Leaked in a public repo ");
    const row = await stored(key.id);
    expect(row).toMatchObject({
      status: "REVOKED",
      revokedReason: "Leaked in a public repo",
      revokedById: org.admin.user.id,
    });
    expect(row.revokedAt).toBeInstanceOf(Date);
    expect(events).toEqual([{ tenantId: org.tenant.id, keyId: key.id, hashes: [row.hash] }]);
    const detail = await getKey(org.viewer.ctx, key.id);
    expect(detail).toMatchObject({ status: "REVOKED", revokedBy: org.admin.user.email });
    const audit = (await auditFor(key.id)).at(-1);
    expect(audit).toMatchObject({
      action: "key.revoked",
      before: { status: "ACTIVE" },
      after: { status: "REVOKED", reason: "Leaked in a public repo" },
    });
    await expect(revokeKey(org.admin.ctx, key.id, "again")).rejects.toThrow(
      new ValidationError("This key is already revoked."),
    );
    await expect(suspendKey(org.admin.ctx, key.id)).rejects.toBeInstanceOf(ValidationError);
    await expect(reactivateKey(org.admin.ctx, key.id)).rejects.toBeInstanceOf(ValidationError);
    await expect(rollKey(org.admin.ctx, key.id, "1h")).rejects.toBeInstanceOf(ValidationError);
    expect((await stored(key.id)).hash).toBe(row.hash);
  });

  it("needs a reason", async () => {
    const key = await newKey();
    await expect(revokeKey(org.admin.ctx, key.id, "   ")).rejects.toMatchObject({
      field: "reason",
    });
    expect((await stored(key.id)).status).toBe("ACTIVE");
  });
});

describe("suspendKey and reactivateKey", () => {
  it("suspend and bring a key back, each audited", async () => {
    const key = await newKey();
    events.length = 0;
    await suspendKey(org.admin.ctx, key.id);
    expect(await stored(key.id)).toMatchObject({
      status: "SUSPENDED",
      suspendedAt: expect.any(Date),
    });
    await expect(suspendKey(org.admin.ctx, key.id)).rejects.toThrow("already suspended");
    await reactivateKey(org.admin.ctx, key.id);
    expect(await stored(key.id)).toMatchObject({ status: "ACTIVE", suspendedAt: null });
    await expect(reactivateKey(org.admin.ctx, key.id)).rejects.toThrow("not suspended");
    expect((await auditFor(key.id)).map((e) => e.action)).toEqual([
      "key.created",
      "key.suspended",
      "key.reactivated",
    ]);
    expect(events.map((e) => e.keyId)).toEqual([key.id, key.id]);
  });
});

describe("rollKey", () => {
  it("issues a new secret for the same key and keeps the old one for the grace period", async () => {
    const key = await newKey();
    const oldHash = hashKey(key.plaintext);
    events.length = 0;
    const before = Date.now();
    const { plaintext, key: rolled } = await rollKey(org.admin.ctx, key.id, "24h");
    expect(plaintext).not.toBe(key.plaintext);
    expect(parseKey(plaintext)).not.toBeNull();
    expect(rolled.id).toBe(key.id);
    expect(rolled.tags).toEqual(["svc"]);
    const row = await stored(key.id);
    expect(row.hash).toBe(hashKey(plaintext));
    expect(row.rolledAt).toBeInstanceOf(Date);

    const retired = await db().retiredSecret.findMany({ where: { keyId: key.id } });
    expect(retired).toHaveLength(1);
    const [secret] = retired;
    expect(secret?.hash).toBe(oldHash);
    expect(secret?.tenantId).toBe(org.tenant.id);
    const graceMs = (secret?.graceEndsAt.getTime() ?? 0) - before;
    expect(graceMs).toBeGreaterThanOrEqual(24 * 3600 * 1000 - 50);
    expect(graceMs).toBeLessThan(24 * 3600 * 1000 + 5000);
    expect(rolled.retiredSecrets).toEqual([
      expect.objectContaining({ display: key.display, graceEndsAt: secret?.graceEndsAt }),
    ]);

    expect(events).toEqual([
      { tenantId: org.tenant.id, keyId: key.id, hashes: [oldHash, row.hash] },
    ]);
    const audit = (await auditFor(key.id)).at(-1);
    expect(audit).toMatchObject({
      action: "key.rolled",
      before: { display: key.display },
      after: { display: rolled.display, grace: "24h" },
    });
    await expectSecretNotStored(plaintext);
    await expectSecretNotStored(key.plaintext);
  });

  it("ends the old secret at once with grace 0, and cuts older secrets to the new grace", async () => {
    const key = await newKey();
    const first = hashKey(key.plaintext);
    const { plaintext: second } = await rollKey(org.admin.ctx, key.id, "7d");
    await rollKey(org.admin.ctx, key.id, "0");
    const now = Date.now();
    const secrets = await db().retiredSecret.findMany({ where: { keyId: key.id } });
    expect(secrets.map((s) => s.hash).sort()).toEqual([first, hashKey(second)].sort());
    for (const secret of secrets) expect(secret.graceEndsAt.getTime()).toBeLessThanOrEqual(now);
    expect((await getKey(org.admin.ctx, key.id)).retiredSecrets).toEqual([]);
  });

  it("revoking ends the grace of rolled-away secrets too", async () => {
    const key = await newKey();
    await rollKey(org.admin.ctx, key.id, "7d");
    events.length = 0;
    await revokeKey(org.admin.ctx, key.id, "compromised");
    const [secret] = await db().retiredSecret.findMany({ where: { keyId: key.id } });
    expect(secret?.graceEndsAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(events[0]?.hashes).toEqual([(await stored(key.id)).hash, secret?.hash]);
  });
});

describe("every lifecycle change refuses other tenants and viewers", () => {
  const changes = {
    revoke: (ctx: Org["admin"]["ctx"], id: string) => revokeKey(ctx, id, "because"),
    suspend: (ctx: Org["admin"]["ctx"], id: string) => suspendKey(ctx, id),
    reactivate: (ctx: Org["admin"]["ctx"], id: string) => reactivateKey(ctx, id),
    roll: (ctx: Org["admin"]["ctx"], id: string) => rollKey(ctx, id, "1h"),
    bulkRevoke: (ctx: Org["admin"]["ctx"], id: string) => bulkUpdateKeys(ctx, [id], "revoke", "x"),
  };

  it.each(Object.entries(changes))("%s", async (_, change) => {
    const key = await newKey();
    if (_ === "reactivate") await suspendKey(org.admin.ctx, key.id);
    const before = await tenantState(org.tenant.id);
    events.length = 0;
    await expect(change(org.viewer.ctx, key.id)).rejects.toBeInstanceOf(ForbiddenError);
    if (_ === "bulkRevoke") {
      await expect(change(other.owner.ctx, key.id)).resolves.toEqual({
        succeeded: [],
        skipped: [{ id: key.id, reason: "Key not found." }],
      });
    } else {
      await expect(change(other.owner.ctx, key.id)).rejects.toThrow(
        new NotFoundError("Key not found."),
      );
    }
    expect(await tenantState(org.tenant.id)).toBe(before);
    expect(await tenantState(other.tenant.id)).not.toContain(key.id);
    expect(events).toEqual([]);
  });
});

describe("bulkUpdateKeys", () => {
  it("suspends the tenant's keys and skips foreign, unknown and unfit ones", async () => {
    const a = await newKey("a");
    const b = await newKey("b");
    const c = await newKey("c");
    await suspendKey(org.admin.ctx, c.id);
    const { key: foreign } = await createKey(
      other.owner.ctx,
      parseOrFail(createKeySchema, { name: "foreign" }),
    );
    const foreignBefore = await tenantState(other.tenant.id);
    events.length = 0;
    const result = await bulkUpdateKeys(
      org.admin.ctx,
      [a.id, foreign.id, b.id, "missing", c.id, a.id],
      "suspend",
    );
    expect(result).toEqual({
      succeeded: [a.id, b.id],
      skipped: [
        { id: foreign.id, reason: "Key not found." },
        { id: "missing", reason: "Key not found." },
        { id: c.id, reason: "Already suspended." },
      ],
    });
    expect((await stored(a.id)).status).toBe("SUSPENDED");
    expect((await stored(b.id)).status).toBe("SUSPENDED");
    expect(await tenantState(other.tenant.id)).toBe(foreignBefore);
    const audits = await db().auditEvent.findMany({
      where: {
        tenantId: org.tenant.id,
        action: "key.suspended",
        targetId: { in: [a.id, b.id, c.id] },
      },
    });
    expect(audits.map((e) => e.targetId).sort()).toEqual([a.id, b.id, c.id].sort());
    expect(events.map((e) => e.keyId)).toEqual([a.id, b.id]);
  });

  it("revokes with one reason and one audit entry per key", async () => {
    const keys = await Promise.all(["x", "y", "z"].map((n) => newKey(n)));
    await revokeKey(org.admin.ctx, keys[2]?.id ?? "", "earlier");
    const ids = keys.map((k) => k.id);
    await expect(bulkUpdateKeys(org.admin.ctx, ids, "revoke")).rejects.toMatchObject({
      field: "reason",
    });
    const result = await bulkUpdateKeys(org.admin.ctx, ids, "revoke", "Rotating all CI keys");
    expect(result.succeeded).toEqual(ids.slice(0, 2));
    expect(result.skipped).toEqual([{ id: ids[2], reason: "Already revoked." }]);
    const rows = await db().apiKey.findMany({ where: { id: { in: ids.slice(0, 2) } } });
    for (const row of rows) {
      expect(row).toMatchObject({ status: "REVOKED", revokedReason: "Rotating all CI keys" });
    }
    const audits = await db().auditEvent.findMany({
      where: { action: "key.revoked", targetId: { in: ids.slice(0, 2) } },
    });
    expect(audits).toHaveLength(2);
    expect(audits[0]?.after).toMatchObject({ status: "REVOKED", reason: "Rotating all CI keys" });
  });
});
