import "server-only";
import type { TenantContext } from "@/lib/auth/context";
import type { Prisma } from "@/lib/generated/prisma/client";

type Tx = Prisma.TransactionClient;

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
};

// Field names that must never reach the audit log, whatever a caller passes.
const SECRET_FIELDS = new Set([
  "key",
  "plaintext",
  "secret",
  "hash",
  "passwordHash",
  "token",
  "tokenHash",
  "password",
]);

function scrub(value: Prisma.InputJsonValue | null | undefined): Prisma.InputJsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value))
    return value.map((v) => scrub(v as Prisma.InputJsonValue) ?? null) as Prisma.InputJsonValue;
  if (typeof value === "object") {
    const out: Record<string, Prisma.InputJsonValue | null> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_FIELDS.has(k)) continue;
      out[k] = v === null ? null : (scrub(v as Prisma.InputJsonValue) ?? null);
    }
    return out;
  }
  return value;
}

/**
 * The one writer of audit events. Always called with the transaction of the change it
 * describes, so a change and its audit entry are committed together or not at all.
 */
export async function recordAudit(
  tx: Tx,
  ctx: Pick<TenantContext, "tenantId" | "actor">,
  entry: AuditEntry,
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      tenantId: ctx.tenantId,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      actorLabel: ctx.actor.label,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: scrub(entry.before),
      after: scrub(entry.after),
      ip: ctx.actor.ip ?? null,
      userAgent: ctx.actor.userAgent?.slice(0, 512) ?? null,
    },
  });
}
