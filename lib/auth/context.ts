import type { Role } from "@/lib/generated/prisma/enums";
import { ForbiddenError } from "./errors";
import { can, type Permission } from "./roles";

/**
 * Who is acting, in which tenant, with which role. Built only from a verified session
 * and a membership read from the database on this request (or from a root key), and
 * passed first to every data-access function, which filters by `tenantId`.
 */
export type TenantContext = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  role: Role;
  actor: Actor;
};

export type Actor =
  | { type: "USER"; id: string; label: string; ip?: string | null; userAgent?: string | null }
  | { type: "ROOT_KEY"; id: string; label: string; ip?: string | null; userAgent?: string | null };

export function assertCan(ctx: TenantContext, permission: Permission): void {
  if (!can(ctx.role, permission)) throw new ForbiddenError();
}
