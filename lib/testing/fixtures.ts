import { randomBytes } from "node:crypto";
import type { TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";

// Test data written straight through Prisma, so a test of one data-access function does
// not depend on another. Every helper makes unique emails and slugs, so tests in one
// file (sharing one database) never collide.

export const TEST_IP = "203.0.113.7";
export const TEST_USER_AGENT = "vitest";

export type TestUser = { id: string; email: string; name: string };
export type TestTenant = { id: string; slug: string; name: string };
export type TestMember = {
  user: TestUser;
  membershipId: string;
  role: Role;
  ctx: TenantContext;
};

function suffix(): string {
  return randomBytes(5).toString("hex");
}

/** A user with a placeholder password hash (no argon2 cost). */
export async function createUser(options: { email?: string; name?: string } = {}) {
  const tag = suffix();
  return db().user.create({
    data: {
      email: options.email ?? `user-${tag}@example.test`,
      name: options.name ?? `User ${tag}`,
      passwordHash: "not-a-real-hash",
    },
    select: { id: true, email: true, name: true },
  });
}

export async function createTenant(name?: string): Promise<TestTenant> {
  const tag = suffix();
  return db().tenant.create({
    data: { name: name ?? `Tenant ${tag}`, slug: `tenant-${tag}` },
    select: { id: true, slug: true, name: true },
  });
}

/** The context the app would build for `user` acting in `tenant` with `role`. */
export function contextFor(tenant: TestTenant, user: TestUser, role: Role): TenantContext {
  return {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    role,
    actor: {
      type: "USER",
      id: user.id,
      label: user.email,
      ip: TEST_IP,
      userAgent: TEST_USER_AGENT,
    },
  };
}

/** Adds a new user (or the given one) to `tenant` with `role`. */
export async function addMember(
  tenant: TestTenant,
  role: Role,
  existingUser?: TestUser,
): Promise<TestMember> {
  const user = existingUser ?? (await createUser());
  const membership = await db().membership.create({
    data: { tenantId: tenant.id, userId: user.id, role },
    select: { id: true },
  });
  return { user, membershipId: membership.id, role, ctx: contextFor(tenant, user, role) };
}

/** A fresh tenant with one OWNER. */
export async function createTenantWithOwner(
  name?: string,
): Promise<{ tenant: TestTenant; owner: TestMember }> {
  const tenant = await createTenant(name);
  const owner = await addMember(tenant, "OWNER");
  return { tenant, owner };
}

export async function auditEventsOf(tenantId: string) {
  return db().auditEvent.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" } });
}
