import "server-only";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { NotFoundError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { RECORD_ID_PATTERN } from "@/lib/validation/text";
import { KEY_NOT_FOUND, keyDetailSelect, toKeyDetail } from "./detail";
import type { JsonValue, KeyAuditEntry, KeyDetail } from "./dto";

export async function getKey(ctx: TenantContext, keyId: string): Promise<KeyDetail> {
  assertCan(ctx, "tenant:read");
  // An id from a URL (`/keys/%00`) that cannot be a key's is a miss, not a database error.
  if (!RECORD_ID_PATTERN.test(keyId)) throw new NotFoundError(KEY_NOT_FOUND);
  const client = db();
  const key = await client.apiKey.findFirst({
    where: { id: keyId, tenantId: ctx.tenantId },
    select: keyDetailSelect,
  });
  if (!key) throw new NotFoundError(KEY_NOT_FOUND);
  return toKeyDetail(client, ctx.tenantId, key, new Date());
}

const AUDIT_PAGE_MAX = 200;

/** The key's audit history, newest first. */
export async function listKeyAudit(
  ctx: TenantContext,
  keyId: string,
  options: { limit?: number } = {},
): Promise<KeyAuditEntry[]> {
  assertCan(ctx, "tenant:read");
  const client = db();
  const key = await client.apiKey.findFirst({
    where: { id: keyId, tenantId: ctx.tenantId },
    select: { id: true },
  });
  if (!key) throw new NotFoundError(KEY_NOT_FOUND);
  const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? 100)), AUDIT_PAGE_MAX);
  const events = await client.auditEvent.findMany({
    where: { tenantId: ctx.tenantId, targetType: "key", targetId: keyId },
    select: {
      id: true,
      action: true,
      actorType: true,
      actorLabel: true,
      before: true,
      after: true,
      ip: true,
      createdAt: true,
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return events.map((e) => ({
    ...e,
    before: (e.before ?? null) as JsonValue | null,
    after: (e.after ?? null) as JsonValue | null,
  }));
}
