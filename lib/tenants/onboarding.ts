import "server-only";
import { recordAudit } from "@/lib/audit/write";
import type { TenantContext } from "@/lib/auth/context";
import { ValidationError } from "@/lib/auth/errors";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { claimInvitation } from "./invitations";
import type { SignUpInput } from "./schemas";
import { uniqueSlug } from "./slug";

type Requester = { ip?: string | null; userAgent?: string | null };
type NewUser = { id: string; email: string; name: string };

async function createTenantWithOwner(
  tx: Prisma.TransactionClient,
  user: NewUser,
  name: string,
  requester: Requester,
): Promise<{ id: string; slug: string }> {
  const slug = await uniqueSlug(tx, name);
  const tenant = await tx.tenant.create({ data: { name, slug }, select: { id: true, slug: true } });
  await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "OWNER" } });
  const ctx: Pick<TenantContext, "tenantId" | "actor"> = {
    tenantId: tenant.id,
    actor: { type: "USER", id: user.id, label: user.email, ...requester },
  };
  await recordAudit(tx, ctx, {
    action: "tenant.created",
    targetType: "tenant",
    targetId: tenant.id,
    after: { name, slug, owner: user.email },
  });
  return tenant;
}

/**
 * Creates an account. With an invitation it joins that tenant with the invited role;
 * otherwise it creates a tenant of its own with the new user as OWNER (the first
 * account on a fresh install does exactly this). All or nothing.
 */
export async function registerUser(
  input: SignUpInput,
  requester: Requester,
): Promise<{ userId: string; tenantSlug: string }> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash },
        select: { id: true, email: true, name: true },
      });
      if (input.invite) {
        const joined = await claimInvitation(tx, input.invite, user, requester);
        return { userId: user.id, tenantSlug: joined.slug };
      }
      const tenant = await createTenantWithOwner(tx, user, input.organization, requester);
      return { userId: user.id, tenantSlug: tenant.slug };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ValidationError(
        "An account with this email already exists. Sign in instead.",
        "email",
      );
    }
    throw error;
  }
}

/** A signed-in user creates another tenant and becomes its OWNER. */
export async function createTenantForUser(
  user: NewUser,
  name: string,
  requester: Requester,
): Promise<{ slug: string }> {
  return db().$transaction(async (tx) => createTenantWithOwner(tx, user, name, requester));
}

export async function hasAnyUser(): Promise<boolean> {
  return (await db().user.count()) > 0;
}
