import "server-only";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";

export const AUDIT_PAGE_SIZE = 50;

export type AuditRow = {
  id: string;
  createdAt: Date;
  actorType: "USER" | "ROOT_KEY" | "SYSTEM";
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
};

export async function listAuditEvents(
  ctx: TenantContext,
  query: { page: number },
): Promise<{ rows: AuditRow[]; hasMore: boolean }> {
  assertCan(ctx, "tenant:read");
  const rows = await db().auditEvent.findMany({
    where: { tenantId: ctx.tenantId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (query.page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE + 1,
    select: {
      id: true,
      createdAt: true,
      actorType: true,
      actorLabel: true,
      action: true,
      targetType: true,
      targetId: true,
      before: true,
      after: true,
      ip: true,
    },
  });
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}
