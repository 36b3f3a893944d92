import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  addMember,
  auditEventsOf,
  createTenantWithOwner,
  createUser,
  TEST_IP,
  TEST_USER_AGENT,
  type TestMember,
} from "@/lib/testing/fixtures";
import {
  acceptInvitation,
  createInvitation,
  describeInvitation,
  listInvitations,
  revokeInvitation,
} from "./invitations";
import { inviteMemberSchema } from "./schemas";

setupTestDatabase();

const requester = { ip: "198.51.100.20", userAgent: "joiner-agent" };

function invite(owner: TestMember, input: { email?: string; role?: Role; expiresInDays?: number }) {
  return createInvitation(owner.ctx, inviteMemberSchema.parse({ role: "VIEWER", ...input }));
}

async function invitationRow(id: string) {
  return db().invitation.findUniqueOrThrow({ where: { id } });
}

async function validationError(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("createInvitation", () => {
  it("stores only the SHA-256 of the token and writes one member.invited entry", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const before = Date.now();
    const created = await invite(owner, { email: "New.Person@Example.com", role: "ADMIN" });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const row = await invitationRow(created.id);
    expect(row).toMatchObject({
      tenantId: tenant.id,
      email: "new.person@example.com",
      role: "ADMIN",
      invitedById: owner.user.id,
      acceptedAt: null,
      revokedAt: null,
    });
    expect(row.tokenHash).toBe(createHash("sha256").update(created.token).digest("hex"));
    expect(row.expiresAt.getTime()).toBe(created.expiresAt.getTime());
    const week = 7 * 24 * 60 * 60 * 1000;
    expect(row.expiresAt.getTime()).toBeGreaterThanOrEqual(before + week);
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + week);

    const events = await auditEventsOf(tenant.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "member.invited",
      targetType: "invitation",
      targetId: created.id,
      actorType: "USER",
      actorId: owner.user.id,
      actorLabel: owner.user.email,
      ip: TEST_IP,
      userAgent: TEST_USER_AGENT,
      before: null,
      after: {
        email: "new.person@example.com",
        role: "ADMIN",
        expiresAt: created.expiresAt.toISOString(),
      },
    });
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(JSON.stringify(events)).not.toContain(created.token);
  });

  it("creates an open invitation without an email", async () => {
    const { owner } = await createTenantWithOwner();
    const created = await invite(owner, { email: "", expiresInDays: 2 });
    const row = await invitationRow(created.id);
    expect(row.email).toBeNull();
    expect(row.role).toBe("VIEWER");
    const twoDays = 2 * 24 * 60 * 60 * 1000;
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + twoDays))).toBeLessThan(60_000);
  });

  it("refuses to invite someone who is already a member", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const member = await addMember(tenant, "VIEWER");
    const error = await validationError(invite(owner, { email: member.user.email.toUpperCase() }));
    expect(error.field).toBe("email");
    expect(error.message).toContain("already a member");
    await expect(db().invitation.count({ where: { tenantId: tenant.id } })).resolves.toBe(0);
    expect(await auditEventsOf(tenant.id)).toHaveLength(0);
  });

  it("invites a member of another tenant", async () => {
    const a = await createTenantWithOwner();
    const b = await createTenantWithOwner();
    const created = await invite(b.owner, { email: a.owner.user.email });
    expect((await invitationRow(created.id)).tenantId).toBe(b.tenant.id);
  });

  it.each(["ADMIN", "VIEWER"] as const)("is forbidden to %s and writes nothing", async (role) => {
    const { tenant } = await createTenantWithOwner();
    const actor = await addMember(tenant, role);
    await expect(
      createInvitation(actor.ctx, inviteMemberSchema.parse({ role: "VIEWER" })),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      createInvitation(
        actor.ctx,
        inviteMemberSchema.parse({ email: "x@example.com", role: "OWNER" }),
      ),
    ).rejects.toThrow(ForbiddenError);
    await expect(db().invitation.count({ where: { tenantId: tenant.id } })).resolves.toBe(0);
    expect(await auditEventsOf(tenant.id)).toHaveLength(0);
  });
});

describe("listInvitations", () => {
  it("shows each invitation's state, newest first, and never another tenant's", async () => {
    const a = await createTenantWithOwner();
    const aInvitation = await invite(a.owner, { email: "a-only@example.com" });
    const { owner } = await createTenantWithOwner();

    const expired = await invite(owner, {});
    await db().invitation.update({
      where: { id: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const revoked = await invite(owner, {});
    await revokeInvitation(owner.ctx, revoked.id);
    const accepted = await invite(owner, {});
    await acceptInvitation(await createUser(), accepted.token, requester);
    const pending = await invite(owner, { email: "pending@example.com", role: "ADMIN" });
    // Creation times out of insertion order (and never equal), so the sort is tested.
    const order = [revoked, pending, expired, accepted];
    for (const [i, { id }] of order.entries()) {
      await db().invitation.update({
        where: { id },
        data: { createdAt: new Date(Date.UTC(2030, 0, 1, 0, i)) },
      });
    }

    const rows = await listInvitations(owner.ctx);
    expect(rows.map((r) => [r.id, r.state])).toEqual([
      [accepted.id, "accepted"],
      [expired.id, "expired"],
      [pending.id, "pending"],
      [revoked.id, "revoked"],
    ]);
    expect(rows[2]).toMatchObject({ email: "pending@example.com", role: "ADMIN" });
    expect(rows.map((r) => r.id)).not.toContain(aInvitation.id);
    expect(JSON.stringify(rows)).not.toContain("tokenHash");

    expect((await listInvitations(a.owner.ctx)).map((r) => r.id)).toEqual([aInvitation.id]);
  });

  it.each(["ADMIN", "VIEWER"] as const)("is forbidden to %s", async (role) => {
    const { tenant, owner } = await createTenantWithOwner();
    await invite(owner, {});
    const actor = await addMember(tenant, role);
    await expect(listInvitations(actor.ctx)).rejects.toThrow(ForbiddenError);
  });
});

describe("revokeInvitation", () => {
  it("withdraws a pending invitation and writes one invitation.revoked entry", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const created = await invite(owner, {});
    await revokeInvitation(owner.ctx, created.id);
    expect((await invitationRow(created.id)).revokedAt).toBeInstanceOf(Date);

    const events = (await auditEventsOf(tenant.id)).filter((e) => e.action !== "member.invited");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: created.id,
      actorId: owner.user.id,
      actorLabel: owner.user.email,
      ip: TEST_IP,
      userAgent: TEST_USER_AGENT,
    });

    // Not pending any more: a second revoke finds nothing and writes nothing.
    await expect(revokeInvitation(owner.ctx, created.id)).rejects.toThrow(NotFoundError);
    expect((await auditEventsOf(tenant.id)).map((e) => e.action)).toEqual([
      "member.invited",
      "invitation.revoked",
    ]);
  });

  it("cannot withdraw an invitation that was already accepted", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const created = await invite(owner, {});
    const joiner = await createUser();
    await acceptInvitation(joiner, created.token, requester);
    await expect(revokeInvitation(owner.ctx, created.id)).rejects.toThrow(NotFoundError);
    expect((await invitationRow(created.id)).revokedAt).toBeNull();
    await expect(
      db().membership.count({ where: { tenantId: tenant.id, userId: joiner.id } }),
    ).resolves.toBe(1);
  });

  it("does not find another tenant's invitation and changes nothing there", async () => {
    const a = await createTenantWithOwner();
    const aInvitation = await invite(a.owner, { role: "ADMIN" });
    const b = await createTenantWithOwner();

    await expect(revokeInvitation(b.owner.ctx, aInvitation.id)).rejects.toThrow(NotFoundError);
    expect((await invitationRow(aInvitation.id)).revokedAt).toBeNull();
    expect((await auditEventsOf(a.tenant.id)).map((e) => e.action)).toEqual(["member.invited"]);
    expect(await auditEventsOf(b.tenant.id)).toHaveLength(0);
    // Still usable in A.
    const joiner = await createUser();
    await expect(acceptInvitation(joiner, aInvitation.token, requester)).resolves.toEqual({
      slug: a.tenant.slug,
      role: "ADMIN",
    });
  });

  it.each(["ADMIN", "VIEWER"] as const)("is forbidden to %s and changes nothing", async (role) => {
    const { tenant, owner } = await createTenantWithOwner();
    const created = await invite(owner, {});
    const actor = await addMember(tenant, role);
    await expect(revokeInvitation(actor.ctx, created.id)).rejects.toThrow(ForbiddenError);
    expect((await invitationRow(created.id)).revokedAt).toBeNull();
    expect((await auditEventsOf(tenant.id)).map((e) => e.action)).toEqual(["member.invited"]);
  });
});

describe("acceptInvitation", () => {
  it("works once: adds the membership with the invited role and marks the invitation", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const created = await invite(owner, { role: "ADMIN" });
    const joiner = await createUser();

    await expect(acceptInvitation(joiner, created.token, requester)).resolves.toEqual({
      slug: tenant.slug,
      role: "ADMIN",
    });
    const membership = await db().membership.findUniqueOrThrow({
      where: { tenantId_userId: { tenantId: tenant.id, userId: joiner.id } },
    });
    expect(membership.role).toBe("ADMIN");
    const row = await invitationRow(created.id);
    expect(row.acceptedAt).toBeInstanceOf(Date);
    expect(row.acceptedById).toBe(joiner.id);
    await expect(describeInvitation(created.token)).resolves.toMatchObject({
      tenantName: tenant.name,
      state: "accepted",
    });

    const joined = (await auditEventsOf(tenant.id)).filter((e) => e.action === "member.joined");
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({
      actorType: "USER",
      actorId: joiner.id,
      actorLabel: joiner.email,
      ip: requester.ip,
      userAgent: requester.userAgent,
      targetType: "membership",
      targetId: membership.id,
      after: { email: joiner.email, role: "ADMIN", invitationId: created.id },
    });
    expect(JSON.stringify(await auditEventsOf(tenant.id))).not.toContain(created.token);
    expect(JSON.stringify(row)).not.toContain(created.token);

    // A second use, by anyone, fails and adds nobody.
    const latecomer = await createUser();
    const error = await validationError(acceptInvitation(latecomer, created.token, requester));
    expect(error.message).toContain("already been used");
    await expect(db().membership.count({ where: { userId: latecomer.id } })).resolves.toBe(0);
    expect((await invitationRow(created.id)).acceptedById).toBe(joiner.id);
    expect(
      (await auditEventsOf(tenant.id)).filter((e) => e.action === "member.joined"),
    ).toHaveLength(1);
  });

  it("rejects an unknown token", async () => {
    const joiner = await createUser();
    const error = await validationError(acceptInvitation(joiner, "x".repeat(43), requester));
    expect(error.message).toContain("not valid");
    await expect(db().membership.count({ where: { userId: joiner.id } })).resolves.toBe(0);
  });

  it("rejects an expired invitation", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const created = await invite(owner, {});
    await db().invitation.update({
      where: { id: created.id },
      data: { expiresAt: new Date(Date.now() - 60_000) },
    });
    const joiner = await createUser();
    const error = await validationError(acceptInvitation(joiner, created.token, requester));
    expect(error.message).toContain("expired");
    await expect(db().membership.count({ where: { tenantId: tenant.id } })).resolves.toBe(1);
    expect((await invitationRow(created.id)).acceptedAt).toBeNull();
  });

  it("rejects a withdrawn invitation", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const created = await invite(owner, {});
    await revokeInvitation(owner.ctx, created.id);
    const joiner = await createUser();
    const error = await validationError(acceptInvitation(joiner, created.token, requester));
    expect(error.message).toContain("withdrawn");
    await expect(db().membership.count({ where: { tenantId: tenant.id } })).resolves.toBe(1);
    expect((await invitationRow(created.id)).acceptedAt).toBeNull();
  });

  it("accepts an email-restricted invitation only from that address", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const invited = await createUser({ email: "invited@example.com" });
    const other = await createUser({ email: "someone.else@example.com" });
    const created = await invite(owner, { email: "Invited@Example.com", role: "VIEWER" });

    const error = await validationError(acceptInvitation(other, created.token, requester));
    expect(error.field).toBe("email");
    expect(error.message).toContain("invited@example.com");
    await expect(db().membership.count({ where: { userId: other.id } })).resolves.toBe(0);
    expect((await invitationRow(created.id)).acceptedAt).toBeNull();

    await acceptInvitation(invited, created.token, requester);
    const membership = await db().membership.findUnique({
      where: { tenantId_userId: { tenantId: tenant.id, userId: invited.id } },
    });
    expect(membership?.role).toBe("VIEWER");
  });

  it("rejects someone who is already a member and leaves the invitation pending", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const member = await addMember(tenant, "VIEWER");
    const created = await invite(owner, { role: "OWNER" });

    const error = await validationError(acceptInvitation(member.user, created.token, requester));
    expect(error.message).toContain("already a member");
    const membership = await db().membership.findUniqueOrThrow({
      where: { id: member.membershipId },
    });
    expect(membership.role).toBe("VIEWER");
    const row = await invitationRow(created.id);
    expect(row.acceptedAt).toBeNull();
    expect(row.acceptedById).toBeNull();
    expect((await auditEventsOf(tenant.id)).map((e) => e.action)).toEqual(["member.invited"]);
  });

  it("lets exactly one of two simultaneous users use a token", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const created = await invite(owner, { role: "ADMIN" });
    const first = await createUser();
    const second = await createUser();

    const results = await Promise.allSettled([
      acceptInvitation(first, created.token, requester),
      acceptInvitation(second, created.token, requester),
    ]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const reason = rejected[0]?.status === "rejected" ? rejected[0].reason : undefined;
    expect(reason).toBeInstanceOf(ValidationError);
    expect((reason as ValidationError).message).toContain("already been used");

    const joined = await db().membership.findMany({
      where: { tenantId: tenant.id, userId: { in: [first.id, second.id] } },
    });
    expect(joined).toHaveLength(1);
    expect(joined[0]?.role).toBe("ADMIN");
    const winner = results[0]?.status === "fulfilled" ? first : second;
    expect(joined[0]?.userId).toBe(winner.id);
    expect((await invitationRow(created.id)).acceptedById).toBe(winner.id);
    expect(
      (await auditEventsOf(tenant.id)).filter((e) => e.action === "member.joined"),
    ).toHaveLength(1);
  });
});
