import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import type { InviteMemberInput } from "./schemas";

// The link carries a random token; only its SHA-256 is stored, so a database leak
// does not hand out working invitations.
function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export type InvitationRow = {
  id: string;
  email: string | null;
  role: Role;
  expiresAt: Date;
  createdAt: Date;
  state: "pending" | "accepted" | "expired" | "revoked";
};

function stateOf(
  inv: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now = new Date(),
) {
  if (inv.acceptedAt) return "accepted" as const;
  if (inv.revokedAt) return "revoked" as const;
  if (inv.expiresAt <= now) return "expired" as const;
  return "pending" as const;
}

export async function createInvitation(
  ctx: TenantContext,
  input: InviteMemberInput,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  assertCan(ctx, "members:manage");
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + input.expiresInDays * 24 * 60 * 60 * 1000);
  return db().$transaction(async (tx) => {
    if (input.email) {
      const existing = await tx.membership.findFirst({
        where: { tenantId: ctx.tenantId, user: { email: input.email } },
        select: { id: true },
      });
      if (existing) throw new ValidationError(`${input.email} is already a member.`, "email");
    }
    const invitation = await tx.invitation.create({
      data: {
        tenantId: ctx.tenantId,
        email: input.email || null,
        role: input.role,
        tokenHash: hashToken(token),
        invitedById: ctx.actor.id,
        expiresAt,
      },
      select: { id: true },
    });
    await recordAudit(tx, ctx, {
      action: "member.invited",
      targetType: "invitation",
      targetId: invitation.id,
      after: { email: input.email || null, role: input.role, expiresAt: expiresAt.toISOString() },
    });
    return { id: invitation.id, token, expiresAt };
  });
}

export async function listInvitations(ctx: TenantContext): Promise<InvitationRow[]> {
  assertCan(ctx, "members:manage");
  const rows = await db().invitation.findMany({
    where: { tenantId: ctx.tenantId },
    select: {
      id: true,
      email: true,
      role: true,
      expiresAt: true,
      createdAt: true,
      acceptedAt: true,
      revokedAt: true,
    },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  const now = new Date();
  return rows.map(({ acceptedAt, revokedAt, ...row }) => ({
    ...row,
    state: stateOf({ acceptedAt, revokedAt, expiresAt: row.expiresAt }, now),
  }));
}

export async function revokeInvitation(ctx: TenantContext, invitationId: string): Promise<void> {
  assertCan(ctx, "members:manage");
  await db().$transaction(async (tx) => {
    const updated = await tx.invitation.updateMany({
      where: { id: invitationId, tenantId: ctx.tenantId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (updated.count === 0) throw new NotFoundError("That invitation is not pending.");
    await recordAudit(tx, ctx, {
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: invitationId,
    });
  });
}

/** What the invitation page shows before anyone accepts. Null for an unknown token. */
export async function describeInvitation(token: string) {
  const invitation = await db().invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      tenant: { select: { name: true, slug: true } },
    },
  });
  if (!invitation) return null;
  return {
    tenantName: invitation.tenant.name,
    email: invitation.email,
    role: invitation.role,
    state: stateOf(invitation),
  };
}

type Joiner = { id: string; email: string };
type Requester = { ip?: string | null; userAgent?: string | null };

/**
 * Uses an invitation inside the caller's transaction: checks it, marks it used (once,
 * even when two people click at the same moment) and adds the membership.
 */
export async function claimInvitation(
  tx: Prisma.TransactionClient,
  token: string,
  user: Joiner,
  requester: Requester,
): Promise<{ slug: string; role: Role }> {
  const invitation = await tx.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      tenantId: true,
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      tenant: { select: { slug: true, name: true } },
    },
  });
  if (!invitation) throw new ValidationError("This invitation link is not valid.", "invite");
  const state = stateOf(invitation);
  if (state === "accepted")
    throw new ValidationError("This invitation has already been used.", "invite");
  if (state === "revoked") throw new ValidationError("This invitation was withdrawn.", "invite");
  if (state === "expired")
    throw new ValidationError("This invitation has expired. Ask for a new one.", "invite");
  if (invitation.email && invitation.email !== user.email) {
    throw new ValidationError(`This invitation is for ${invitation.email}.`, "email");
  }
  const existing = await tx.membership.findUnique({
    where: { tenantId_userId: { tenantId: invitation.tenantId, userId: user.id } },
    select: { id: true },
  });
  if (existing)
    throw new ValidationError(`You are already a member of ${invitation.tenant.name}.`, "invite");
  const claimed = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, revokedAt: null },
    data: { acceptedAt: new Date(), acceptedById: user.id },
  });
  if (claimed.count !== 1)
    throw new ValidationError("This invitation has already been used.", "invite");
  const membership = await tx.membership.create({
    data: { tenantId: invitation.tenantId, userId: user.id, role: invitation.role },
    select: { id: true },
  });
  await recordAudit(
    tx,
    {
      tenantId: invitation.tenantId,
      actor: { type: "USER", id: user.id, label: user.email, ...requester },
    },
    {
      action: "member.joined",
      targetType: "membership",
      targetId: membership.id,
      after: { email: user.email, role: invitation.role, invitationId: invitation.id },
    },
  );
  return { slug: invitation.tenant.slug, role: invitation.role };
}

/** A signed-in user accepts an invitation. */
export async function acceptInvitation(user: Joiner, token: string, requester: Requester) {
  return db().$transaction((tx) => claimInvitation(tx, token, user, requester));
}
