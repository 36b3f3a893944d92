import "server-only";
import { notFound, redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { asUnavailableError, db } from "@/lib/db";
import { RECORD_ID_PATTERN } from "@/lib/validation/text";
import type { TenantContext } from "./context";
import { NotFoundError, UnauthenticatedError } from "./errors";
import { authOptions } from "./options";
import { requestInfo } from "./request-info";
import { findActiveSessionForRequest } from "./sessions";

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  /** The server-side session this request is signed in with (lib/auth/sessions.ts). */
  sessionId: string;
};

/**
 * Database errors that mean "unreachable" leave here as DatabaseUnavailableError, whose
 * digest app/error.tsx recognises (Next.js hides the message of a page's error in
 * production), so a dashboard page says the database cannot be reached, and actions and
 * routes answer it as such.
 */
function rethrowUnavailable(error: unknown): never {
  throw asUnavailableError(error);
}

/**
 * The signed-in user, or null. A valid cookie is not enough: the session it names must
 * still be active on the server (not signed out, not ended by a password change or
 * "sign out everywhere", not expired) and belong to the same user. The user is re-read
 * with it, so a deleted user (whose sessions cascade away) is signed out at once.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const userId = session?.user?.id;
  const sessionId = session?.sid;
  if (!userId || !sessionId) return null;
  const active = await findActiveSessionForRequest(sessionId).catch(rethrowUnavailable);
  if (!active || active.userId !== userId) return null;
  return { ...active.user, sessionId };
});

export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return user;
}

/**
 * Resolves the tenant from the URL slug through the user's membership, read from the
 * database on this request: a removed member, or one whose role changed, is affected
 * at once, whatever the session token says. Another tenant's slug is "not found".
 */
export const loadTenantContext = cache(async (slug: string): Promise<TenantContext> => {
  const user = await getSessionUser();
  if (!user) throw new UnauthenticatedError();
  // A slug has a record id's shape; anything else (a NUL from `/t/%00/keys`) names no
  // tenant and must not reach the database, where it is an error rather than a miss.
  if (!RECORD_ID_PATTERN.test(slug)) throw new NotFoundError();
  const membership = await db()
    .membership.findFirst({
      where: { userId: user.id, tenant: { slug } },
      select: { role: true, tenant: { select: { id: true, slug: true, name: true } } },
    })
    .catch(rethrowUnavailable);
  if (!membership) throw new NotFoundError();
  const { ip, userAgent } = await requestInfo();
  return {
    tenantId: membership.tenant.id,
    tenantSlug: membership.tenant.slug,
    tenantName: membership.tenant.name,
    role: membership.role,
    actor: { type: "USER", id: user.id, label: user.email, ip, userAgent },
  };
});

/** For pages and layouts: redirects to sign-in, or answers 404 for a foreign tenant. */
export async function requireMember(slug: string): Promise<TenantContext> {
  try {
    return await loadTenantContext(slug);
  } catch (error) {
    if (error instanceof UnauthenticatedError) redirect("/sign-in");
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export async function listMyTenants(userId: string) {
  const rows = await db()
    .membership.findMany({
      where: { userId },
      select: { role: true, tenant: { select: { slug: true, name: true } } },
      orderBy: { createdAt: "asc" },
    })
    .catch(rethrowUnavailable);
  return rows.map((r) => ({ slug: r.tenant.slug, name: r.tenant.name, role: r.role }));
}
