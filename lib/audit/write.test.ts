import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  auditEventsOf,
  contextFor,
  createTenantWithOwner,
  createUser,
  TEST_IP,
  TEST_USER_AGENT,
} from "@/lib/testing/fixtures";
import { recordAudit } from "./write";

setupTestDatabase();

describe("recordAudit", () => {
  it("writes one row with the action, target, actor, ip and user agent", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    await db().$transaction((tx) =>
      recordAudit(tx, owner.ctx, {
        action: "key.created",
        targetType: "key",
        targetId: "key_1",
        after: { name: "Billing", scopes: ["orders:read"] },
      }),
    );
    const rows = await auditEventsOf(tenant.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenantId: tenant.id,
      actorType: "USER",
      actorId: owner.user.id,
      actorLabel: owner.user.email,
      action: "key.created",
      targetType: "key",
      targetId: "key_1",
      before: null,
      after: { name: "Billing", scopes: ["orders:read"] },
      ip: TEST_IP,
      userAgent: TEST_USER_AGENT,
    });
  });

  it("stores a missing ip and user agent as null and cuts a long user agent to 512", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const actor = { type: "ROOT_KEY" as const, id: "rk_1", label: "ci" };
    await db().$transaction(async (tx) => {
      await recordAudit(tx, { tenantId: tenant.id, actor }, { action: "a.one", targetType: "x" });
      await recordAudit(
        tx,
        { tenantId: tenant.id, actor: { ...owner.ctx.actor, userAgent: "u".repeat(2000) } },
        { action: "a.two", targetType: "x" },
      );
    });
    const rows = await auditEventsOf(tenant.id);
    const one = rows.find((r) => r.action === "a.one");
    const two = rows.find((r) => r.action === "a.two");
    expect(one).toMatchObject({
      actorType: "ROOT_KEY",
      actorId: "rk_1",
      ip: null,
      userAgent: null,
    });
    expect(one?.targetId).toBeNull();
    expect(two?.userAgent).toBe("u".repeat(512));
  });

  it("drops secret-looking fields, even nested in objects and arrays", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const secret = {
      key: "sk-KEY-VALUE",
      plaintext: "PLAINTEXT-VALUE",
      secret: "SECRET-VALUE",
      hash: "HASH-VALUE",
      passwordHash: "PASSWORD-HASH-VALUE",
      token: "TOKEN-VALUE",
      tokenHash: "TOKEN-HASH-VALUE",
      password: "PASSWORD-VALUE",
    };
    await db().$transaction((tx) =>
      recordAudit(tx, owner.ctx, {
        action: "key.rolled",
        targetType: "key",
        targetId: "key_2",
        before: {
          name: "Old",
          key: secret.key,
          hash: secret.hash,
          nested: { token: secret.token, keep: 1, deeper: { password: secret.password } },
        },
        after: {
          name: "New",
          plaintext: secret.plaintext,
          secret: secret.secret,
          passwordHash: secret.passwordHash,
          list: [{ tokenHash: secret.tokenHash, start: "kp_ab" }, "plain", null],
          empty: null,
        },
      }),
    );
    const [row] = await auditEventsOf(tenant.id);
    expect(row?.before).toEqual({ name: "Old", nested: { keep: 1, deeper: {} } });
    expect(row?.after).toEqual({
      name: "New",
      list: [{ start: "kp_ab" }, "plain", null],
      empty: null,
    });
    const stored = JSON.stringify(row);
    for (const value of Object.values(secret)) expect(stored).not.toContain(value);
  });

  it("commits with the change it describes", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const user = await createUser();
    await db().$transaction(async (tx) => {
      await tx.membership.create({
        data: { tenantId: tenant.id, userId: user.id, role: "VIEWER" },
      });
      await recordAudit(tx, owner.ctx, { action: "member.added", targetType: "membership" });
    });
    await expect(
      db().membership.count({ where: { tenantId: tenant.id, userId: user.id } }),
    ).resolves.toBe(1);
    expect((await auditEventsOf(tenant.id)).map((r) => r.action)).toEqual(["member.added"]);
  });

  it("rolls the change back when the audit write fails", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const user = await createUser();
    const broken = contextFor({ ...tenant, id: "no-such-tenant" }, owner.user, "OWNER");
    await expect(
      db().$transaction(async (tx) => {
        await tx.membership.create({
          data: { tenantId: tenant.id, userId: user.id, role: "VIEWER" },
        });
        // Violates the AuditEvent → Tenant foreign key.
        await recordAudit(tx, broken, { action: "member.added", targetType: "membership" });
      }),
    ).rejects.toThrow();
    await expect(
      db().membership.count({ where: { tenantId: tenant.id, userId: user.id } }),
    ).resolves.toBe(0);
    await expect(
      db().auditEvent.count({ where: { action: "member.added", tenantId: tenant.id } }),
    ).resolves.toBe(0);
    await expect(db().auditEvent.count({ where: { tenantId: "no-such-tenant" } })).resolves.toBe(0);
  });
});
