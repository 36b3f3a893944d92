import "server-only";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AUDIT_MAX_PAGE, AUDIT_PAGE_SIZE, type AuditQuery, parseDay } from "./schemas";

export { AUDIT_PAGE_SIZE } from "./schemas";

export type AuditRow = {
  id: string;
  createdAt: Date;
  actorType: "USER" | "ROOT_KEY" | "SYSTEM";
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** Escapes LIKE wildcards, so `a_b` finds "a_b" and not "axb". */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * The tenant comes first in every condition, so each filter is served by one of the
 * (tenantId, …, createdAt) indexes: action and target by their own, actor and dates by
 * (tenantId, createdAt), which also gives the newest-first order.
 */
function auditWhere(ctx: TenantContext, query: Partial<AuditQuery>): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = { tenantId: ctx.tenantId };
  if (query.action) where.action = query.action;
  if (query.target) where.targetId = query.target;
  if (query.actor) {
    where.OR = [
      { actorLabel: { contains: likeLiteral(query.actor), mode: "insensitive" } },
      { actorId: query.actor },
    ];
  }
  const from = query.from ? parseDay(query.from) : null;
  const to = query.to ? parseDay(query.to) : null;
  if (from || to) {
    where.createdAt = {
      ...(from ? { gte: from } : {}),
      // The last day is inclusive: everything before the start of the next one.
      ...(to ? { lt: new Date(to.getTime() + DAY_MS) } : {}),
    };
  }
  return where;
}

/** One page of the tenant's audit log, newest first. Readable by every member. */
export async function listAuditEvents(
  ctx: TenantContext,
  query: Partial<AuditQuery> & { page: number },
): Promise<{ rows: AuditRow[]; hasMore: boolean }> {
  assertCan(ctx, "tenant:read");
  const page = Number.isInteger(query.page) ? Math.min(Math.max(query.page, 1), AUDIT_MAX_PAGE) : 1;
  const rows = await db().auditEvent.findMany({
    where: auditWhere(ctx, query),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * AUDIT_PAGE_SIZE,
    take: AUDIT_PAGE_SIZE + 1,
    select: {
      id: true,
      createdAt: true,
      actorType: true,
      actorId: true,
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

/**
 * The distinct actions recorded in this tenant, for the action filter. A GROUP BY on
 * the (tenantId, action, createdAt) index rather than Prisma's `distinct`, which would
 * read every event and de-duplicate in memory.
 */
export async function listAuditActions(ctx: TenantContext): Promise<string[]> {
  assertCan(ctx, "tenant:read");
  const groups = await db().auditEvent.groupBy({
    by: ["action"],
    where: { tenantId: ctx.tenantId },
    orderBy: { action: "asc" },
  });
  return groups.map((group) => group.action);
}
