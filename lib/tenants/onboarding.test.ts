import { beforeEach, describe, expect, it, vi } from "vitest";
import { recordAudit } from "@/lib/audit/write";
import { ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { auditEventsOf, createTenantWithOwner } from "@/lib/testing/fixtures";
import { createInvitation } from "./invitations";
import { registerUser } from "./onboarding";
import { inviteMemberSchema, signUpSchema } from "./schemas";

// The real audit writer, wrapped so one test can make it fail.
vi.mock("@/lib/audit/write", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/audit/write")>();
  return { ...actual, recordAudit: vi.fn(actual.recordAudit) };
});

setupTestDatabase();

const PASSWORD = "correct horse battery staple";
const requester = { ip: "192.0.2.44", userAgent: "signup-agent" };

function signUp(input: { name?: string; email: string; organization?: string; invite?: string }) {
  return signUpSchema.parse({ name: "Ada Lovelace", password: PASSWORD, ...input });
}

async function tenantCount() {
  return db().tenant.count();
}

beforeEach(() => {
  vi.mocked(recordAudit).mockClear();
});

describe("registerUser without an invitation", () => {
  it("creates the user, a tenant named after the organization, an OWNER membership and tenant.created", async () => {
    const result = await registerUser(
      signUp({ email: "  Ada@Example.COM ", organization: "Acme Widgets" }),
      requester,
    );

    const user = await db().user.findUniqueOrThrow({ where: { id: result.userId } });
    expect(user.email).toBe("ada@example.com");
    expect(user.name).toBe("Ada Lovelace");
    expect(user.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(user.passwordHash).not.toContain(PASSWORD);

    expect(result.tenantSlug).toBe("acme-widgets");
    const tenant = await db().tenant.findUniqueOrThrow({ where: { slug: "acme-widgets" } });
    expect(tenant.name).toBe("Acme Widgets");
    const memberships = await db().membership.findMany({ where: { userId: user.id } });
    expect(memberships).toHaveLength(1);
    expect(memberships[0]).toMatchObject({ tenantId: tenant.id, role: "OWNER" });

    const events = await auditEventsOf(tenant.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "tenant.created",
      targetType: "tenant",
      targetId: tenant.id,
      actorType: "USER",
      actorId: user.id,
      actorLabel: "ada@example.com",
      ip: requester.ip,
      userAgent: requester.userAgent,
      after: { name: "Acme Widgets", slug: "acme-widgets", owner: "ada@example.com" },
    });
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    expect(JSON.stringify(events)).not.toContain(user.passwordHash);
  });

  it("gives a repeated organization name a unique slug", async () => {
    const first = await registerUser(
      signUp({ email: "first@globex.test", organization: "Globex Corp!" }),
      requester,
    );
    const second = await registerUser(
      signUp({ email: "second@globex.test", organization: "Globex Corp!" }),
      requester,
    );
    expect(first.tenantSlug).toBe("globex-corp");
    expect(second.tenantSlug).toMatch(/^globex-corp-[0-9a-f]{6}$/);
    const tenants = await db().tenant.findMany({ where: { name: "Globex Corp!" } });
    expect(tenants.map((t) => t.slug).sort()).toEqual([first.tenantSlug, second.tenantSlug].sort());
    const owners = await db().membership.findMany({
      where: { tenantId: { in: tenants.map((t) => t.id) }, role: "OWNER" },
      select: { userId: true },
    });
    expect(owners.map((o) => o.userId).sort()).toEqual([first.userId, second.userId].sort());
  });

  it("rejects an email that is taken, whatever its case, and creates no second tenant", async () => {
    await registerUser(
      signUp({ email: "taken@example.com", organization: "Taken Inc" }),
      requester,
    );
    const tenantsBefore = await tenantCount();

    const error = await registerUser(
      signUp({ email: "TAKEN@Example.com", organization: "Second Try Ltd" }),
      requester,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("email");
    expect((error as ValidationError).message).toContain("already exists");

    await expect(db().user.count({ where: { email: "taken@example.com" } })).resolves.toBe(1);
    expect(await tenantCount()).toBe(tenantsBefore);
    await expect(db().tenant.count({ where: { name: "Second Try Ltd" } })).resolves.toBe(0);
  });

  it("writes nothing when the audit entry cannot be written", async () => {
    vi.mocked(recordAudit).mockRejectedValueOnce(new Error("audit store down"));
    const tenantsBefore = await tenantCount();
    await expect(
      registerUser(signUp({ email: "atomic@example.com", organization: "Atomic Co" }), requester),
    ).rejects.toThrow("audit store down");
    expect(vi.mocked(recordAudit)).toHaveBeenCalledTimes(1);
    await expect(db().user.count({ where: { email: "atomic@example.com" } })).resolves.toBe(0);
    await expect(db().tenant.count({ where: { name: "Atomic Co" } })).resolves.toBe(0);
    expect(await tenantCount()).toBe(tenantsBefore);
  });
});

describe("registerUser with an invitation", () => {
  it("joins the inviting tenant with the invited role and writes member.joined", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const { token, id } = await createInvitation(
      owner.ctx,
      inviteMemberSchema.parse({ email: "grace@example.com", role: "ADMIN" }),
    );
    const tenantsBefore = await tenantCount();

    const result = await registerUser(
      signUp({ name: "Grace Hopper", email: "Grace@Example.com", invite: token }),
      requester,
    );
    expect(result.tenantSlug).toBe(tenant.slug);
    expect(await tenantCount()).toBe(tenantsBefore);

    const memberships = await db().membership.findMany({ where: { userId: result.userId } });
    expect(memberships).toHaveLength(1);
    expect(memberships[0]).toMatchObject({ tenantId: tenant.id, role: "ADMIN" });
    const invitation = await db().invitation.findUniqueOrThrow({ where: { id } });
    expect(invitation.acceptedById).toBe(result.userId);

    const events = await auditEventsOf(tenant.id);
    expect(events.map((e) => e.action)).toEqual(["member.invited", "member.joined"]);
    expect(events[1]).toMatchObject({
      actorId: result.userId,
      actorLabel: "grace@example.com",
      ip: requester.ip,
      userAgent: requester.userAgent,
      targetId: memberships[0]?.id,
      after: { email: "grace@example.com", role: "ADMIN", invitationId: id },
    });
    await expect(
      db().auditEvent.count({ where: { action: "tenant.created", actorId: result.userId } }),
    ).resolves.toBe(0);
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it("creates no account when the invitation is for another address", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const { token, id } = await createInvitation(
      owner.ctx,
      inviteMemberSchema.parse({ email: "invited@example.com", role: "VIEWER" }),
    );
    const error = await registerUser(
      signUp({ email: "intruder@example.com", invite: token }),
      requester,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("email");
    await expect(db().user.count({ where: { email: "intruder@example.com" } })).resolves.toBe(0);
    expect((await db().invitation.findUniqueOrThrow({ where: { id } })).acceptedAt).toBeNull();
    await expect(db().membership.count({ where: { tenantId: tenant.id } })).resolves.toBe(1);
  });
});
