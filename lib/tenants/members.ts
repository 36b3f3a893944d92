import "server-only";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";

export type MemberRow = {
  membershipId: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: Date;
};

export async function listMembers(ctx: TenantContext): Promise<MemberRow[]> {
  assertCan(ctx, "tenant:read");
  const rows = await db().membership.findMany({
    where: { tenantId: ctx.tenantId },
    select: {
      id: true,
      role: true,
      createdAt: true,
      user: { select: { id: true, name: true, email: true } },
    },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({
    membershipId: r.id,
    userId: r.user.id,
    name: r.user.name,
    email: r.user.email,
    role: r.role,
    joinedAt: r.createdAt,
  }));
}

// Serializes member changes within one tenant. Without it, two owners demoting or
// removing each other at the same moment both see "another owner remains" (READ
// COMMITTED) and the tenant is left with none. FOR NO KEY UPDATE does not block
// inserts that reference the tenant.
async function lockTenantMembers(tx: Prisma.TransactionClient, ctx: TenantContext) {
  await tx.$queryRaw`SELECT 1 FROM "Tenant" WHERE "id" = ${ctx.tenantId} FOR NO KEY UPDATE`;
}

async function findMembership(
  tx: Prisma.TransactionClient,
  ctx: TenantContext,
  membershipId: string,
) {
  // The tenant is part of the lookup: another tenant's membership id is simply not found.
  const membership = await tx.membership.findFirst({
    where: { id: membershipId, tenantId: ctx.tenantId },
    select: { id: true, role: true, userId: true, user: { select: { email: true } } },
  });
  if (!membership) throw new NotFoundError("That member was not found.");
  return membership;
}

async function assertAnotherOwner(
  tx: Prisma.TransactionClient,
  ctx: TenantContext,
  exceptMembershipId: string,
) {
  const owners = await tx.membership.count({
    where: { tenantId: ctx.tenantId, role: "OWNER", id: { not: exceptMembershipId } },
  });
  if (owners === 0) {
    throw new ValidationError(
      "Every organization needs an owner. Make someone else an owner first.",
      "role",
    );
  }
}

export async function changeMemberRole(
  ctx: TenantContext,
  membershipId: string,
  role: Role,
): Promise<void> {
  assertCan(ctx, "members:manage");
  await db().$transaction(async (tx) => {
    await lockTenantMembers(tx, ctx);
    const membership = await findMembership(tx, ctx, membershipId);
    if (membership.role === role) return;
    if (membership.role === "OWNER") await assertAnotherOwner(tx, ctx, membership.id);
    await tx.membership.update({ where: { id: membership.id }, data: { role } });
    await recordAudit(tx, ctx, {
      action: "member.role_changed",
      targetType: "membership",
      targetId: membership.id,
      before: { email: membership.user.email, role: membership.role },
      after: { email: membership.user.email, role },
    });
  });
}

export async function removeMember(ctx: TenantContext, membershipId: string): Promise<void> {
  assertCan(ctx, "members:manage");
  await db().$transaction(async (tx) => {
    await lockTenantMembers(tx, ctx);
    const membership = await findMembership(tx, ctx, membershipId);
    if (membership.role === "OWNER") await assertAnotherOwner(tx, ctx, membership.id);
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, ctx, {
      action: "member.removed",
      targetType: "membership",
      targetId: membership.id,
      before: { email: membership.user.email, role: membership.role },
    });
  });
}
