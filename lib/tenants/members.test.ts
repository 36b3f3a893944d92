import { describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  addMember,
  auditEventsOf,
  createTenantWithOwner,
  TEST_IP,
  TEST_USER_AGENT,
} from "@/lib/testing/fixtures";
import { changeMemberRole, listMembers, removeMember } from "./members";

setupTestDatabase();

async function roleOf(membershipId: string) {
  const row = await db().membership.findUnique({ where: { id: membershipId } });
  return row?.role ?? null;
}

describe("listMembers", () => {
  it("lists the tenant's members, oldest first, and never another tenant's", async () => {
    const a = await createTenantWithOwner();
    const aAdmin = await addMember(a.tenant, "ADMIN");
    const b = await createTenantWithOwner();
    const bViewer = await addMember(b.tenant, "VIEWER");
    // The same person in both tenants appears in each with that tenant's membership.
    const shared = await addMember(b.tenant, "ADMIN", aAdmin.user);
    // Join times out of insertion order (and never equal), so the sort is tested.
    const order = [bViewer, shared, b.owner];
    for (const [i, { membershipId }] of order.entries()) {
      await db().membership.update({
        where: { id: membershipId },
        data: { createdAt: new Date(Date.UTC(2030, 0, 1, 0, i)) },
      });
    }

    const rows = await listMembers(bViewer.ctx);
    expect(rows.map((r) => r.membershipId)).toEqual([
      bViewer.membershipId,
      shared.membershipId,
      b.owner.membershipId,
    ]);
    expect(rows[2]).toMatchObject({
      userId: b.owner.user.id,
      email: b.owner.user.email,
      name: b.owner.user.name,
      role: "OWNER",
    });
    const aIds = [a.owner.membershipId, aAdmin.membershipId];
    for (const row of rows) expect(aIds).not.toContain(row.membershipId);
    expect(rows.map((r) => r.userId)).not.toContain(a.owner.user.id);

    const aRows = await listMembers(a.owner.ctx);
    expect(aRows.map((r) => r.membershipId).sort()).toEqual([...aIds].sort());
  });
});

describe("changeMemberRole", () => {
  it("changes the role and writes one member.role_changed entry with before and after", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const member = await addMember(tenant, "VIEWER");
    await changeMemberRole(owner.ctx, member.membershipId, "ADMIN");
    expect(await roleOf(member.membershipId)).toBe("ADMIN");

    const events = await auditEventsOf(tenant.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "member.role_changed",
      targetType: "membership",
      targetId: member.membershipId,
      actorType: "USER",
      actorId: owner.user.id,
      actorLabel: owner.user.email,
      ip: TEST_IP,
      userAgent: TEST_USER_AGENT,
      before: { email: member.user.email, role: "VIEWER" },
      after: { email: member.user.email, role: "ADMIN" },
    });
  });

  it("writes nothing when the role is unchanged", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const member = await addMember(tenant, "ADMIN");
    await changeMemberRole(owner.ctx, member.membershipId, "ADMIN");
    expect(await roleOf(member.membershipId)).toBe("ADMIN");
    expect(await auditEventsOf(tenant.id)).toHaveLength(0);
  });

  it("does not find another tenant's membership and changes nothing there", async () => {
    const a = await createTenantWithOwner();
    const aViewer = await addMember(a.tenant, "VIEWER");
    const b = await createTenantWithOwner();

    await expect(changeMemberRole(b.owner.ctx, aViewer.membershipId, "OWNER")).rejects.toThrow(
      NotFoundError,
    );
    await expect(changeMemberRole(b.owner.ctx, a.owner.membershipId, "VIEWER")).rejects.toThrow(
      NotFoundError,
    );
    expect(await roleOf(aViewer.membershipId)).toBe("VIEWER");
    expect(await roleOf(a.owner.membershipId)).toBe("OWNER");
    expect(await auditEventsOf(a.tenant.id)).toHaveLength(0);
    expect(await auditEventsOf(b.tenant.id)).toHaveLength(0);
  });

  it("rejects an unknown membership id", async () => {
    const { owner } = await createTenantWithOwner();
    await expect(changeMemberRole(owner.ctx, "no-such-membership", "ADMIN")).rejects.toThrow(
      NotFoundError,
    );
  });

  it.each(["ADMIN", "VIEWER"] as const)("is forbidden to %s and changes nothing", async (role) => {
    const { tenant, owner } = await createTenantWithOwner();
    const actor = await addMember(tenant, role);
    const target = await addMember(tenant, "VIEWER");

    await expect(changeMemberRole(actor.ctx, target.membershipId, "ADMIN")).rejects.toThrow(
      ForbiddenError,
    );
    await expect(changeMemberRole(actor.ctx, actor.membershipId, "OWNER")).rejects.toThrow(
      ForbiddenError,
    );
    await expect(changeMemberRole(actor.ctx, owner.membershipId, "VIEWER")).rejects.toThrow(
      ForbiddenError,
    );
    expect(await roleOf(target.membershipId)).toBe("VIEWER");
    expect(await roleOf(actor.membershipId)).toBe(role);
    expect(await roleOf(owner.membershipId)).toBe("OWNER");
    expect(await auditEventsOf(tenant.id)).toHaveLength(0);
  });

  it("refuses to demote the only owner", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    await addMember(tenant, "ADMIN");
    for (const role of ["ADMIN", "VIEWER"] as const) {
      const error = await changeMemberRole(owner.ctx, owner.membershipId, role).catch((e) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("role");
      expect((error as ValidationError).message).toMatch(/needs an owner/);
    }
    expect(await roleOf(owner.membershipId)).toBe("OWNER");
    expect(await auditEventsOf(tenant.id)).toHaveLength(0);
  });

  it("demotes an owner when another owner remains, then protects the last one", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const second = await addMember(tenant, "OWNER");

    await changeMemberRole(owner.ctx, second.membershipId, "ADMIN");
    expect(await roleOf(second.membershipId)).toBe("ADMIN");

    await expect(changeMemberRole(owner.ctx, owner.membershipId, "VIEWER")).rejects.toThrow(
      ValidationError,
    );
    expect(await roleOf(owner.membershipId)).toBe("OWNER");

    const events = await auditEventsOf(tenant.id);
    expect(events.map((e) => e.action)).toEqual(["member.role_changed"]);
    expect(events[0]?.before).toEqual({ email: second.user.email, role: "OWNER" });
    expect(events[0]?.after).toEqual({ email: second.user.email, role: "ADMIN" });
  });

  it("lets an owner step down once another owner exists", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const second = await addMember(tenant, "OWNER");
    await changeMemberRole(owner.ctx, owner.membershipId, "VIEWER");
    expect(await roleOf(owner.membershipId)).toBe("VIEWER");
    expect(await roleOf(second.membershipId)).toBe("OWNER");
  });

  it("keeps an owner when two owners demote each other at the same moment", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const second = await addMember(tenant, "OWNER");
    const results = await Promise.allSettled([
      changeMemberRole(owner.ctx, second.membershipId, "ADMIN"),
      changeMemberRole(second.ctx, owner.membershipId, "ADMIN"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(ValidationError);
    await expect(
      db().membership.count({ where: { tenantId: tenant.id, role: "OWNER" } }),
    ).resolves.toBe(1);
    expect(await auditEventsOf(tenant.id)).toHaveLength(1);
  });
});

describe("removeMember", () => {
  it("removes the membership (not the user) and writes one member.removed entry", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const member = await addMember(tenant, "ADMIN");
    await removeMember(owner.ctx, member.membershipId);

    expect(await db().membership.findUnique({ where: { id: member.membershipId } })).toBeNull();
    expect(await db().user.findUnique({ where: { id: member.user.id } })).not.toBeNull();
    expect((await listMembers(owner.ctx)).map((r) => r.membershipId)).toEqual([owner.membershipId]);

    const events = await auditEventsOf(tenant.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "member.removed",
      targetType: "membership",
      targetId: member.membershipId,
      actorId: owner.user.id,
      actorLabel: owner.user.email,
      ip: TEST_IP,
      userAgent: TEST_USER_AGENT,
      before: { email: member.user.email, role: "ADMIN" },
      after: null,
    });
  });

  it("does not find another tenant's membership and removes nothing there", async () => {
    const a = await createTenantWithOwner();
    const aAdmin = await addMember(a.tenant, "ADMIN");
    const b = await createTenantWithOwner();

    await expect(removeMember(b.owner.ctx, aAdmin.membershipId)).rejects.toThrow(NotFoundError);
    await expect(removeMember(b.owner.ctx, a.owner.membershipId)).rejects.toThrow(NotFoundError);
    expect(await roleOf(aAdmin.membershipId)).toBe("ADMIN");
    expect(await roleOf(a.owner.membershipId)).toBe("OWNER");
    expect(await auditEventsOf(a.tenant.id)).toHaveLength(0);
    expect(await auditEventsOf(b.tenant.id)).toHaveLength(0);
  });

  it.each(["ADMIN", "VIEWER"] as const)("is forbidden to %s and removes nothing", async (role) => {
    const { tenant, owner } = await createTenantWithOwner();
    const actor = await addMember(tenant, role);
    const target = await addMember(tenant, "VIEWER");

    await expect(removeMember(actor.ctx, target.membershipId)).rejects.toThrow(ForbiddenError);
    await expect(removeMember(actor.ctx, owner.membershipId)).rejects.toThrow(ForbiddenError);
    expect(await roleOf(target.membershipId)).toBe("VIEWER");
    expect(await roleOf(owner.membershipId)).toBe("OWNER");
    expect(await auditEventsOf(tenant.id)).toHaveLength(0);
  });

  it("refuses to remove the only owner", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    await addMember(tenant, "ADMIN");
    const error = await removeMember(owner.ctx, owner.membershipId).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("role");
    expect(await roleOf(owner.membershipId)).toBe("OWNER");
    expect(await auditEventsOf(tenant.id)).toHaveLength(0);
  });

  it("removes an owner when another owner remains", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const second = await addMember(tenant, "OWNER");
    await removeMember(second.ctx, owner.membershipId);
    expect(await roleOf(owner.membershipId)).toBeNull();
    expect(await roleOf(second.membershipId)).toBe("OWNER");
    await expect(removeMember(second.ctx, second.membershipId)).rejects.toThrow(ValidationError);
    expect(await roleOf(second.membershipId)).toBe("OWNER");
    expect((await auditEventsOf(tenant.id)).map((e) => e.action)).toEqual(["member.removed"]);
  });

  it("keeps an owner when two owners remove each other at the same moment", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const second = await addMember(tenant, "OWNER");
    const results = await Promise.allSettled([
      removeMember(owner.ctx, second.membershipId),
      removeMember(second.ctx, owner.membershipId),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    await expect(
      db().membership.count({ where: { tenantId: tenant.id, role: "OWNER" } }),
    ).resolves.toBe(1);
  });
});
