import "server-only";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { KEY_NOT_FOUND } from "./detail";
import { emitKeyChanged, type KeyChangedEvent } from "./events";
import { liveSecretHashes } from "./locking";
import { type BulkKeyAction, MAX_BULK_KEYS } from "./schemas";

export type BulkResult = { succeeded: string[]; skipped: { id: string; reason: string }[] };

type LockedRow = { id: string; status: "ACTIVE" | "SUSPENDED" | "REVOKED"; hash: string };

function skipReason(action: BulkKeyAction, row: LockedRow | undefined): string | null {
  if (!row) return KEY_NOT_FOUND;
  if (row.status === "REVOKED") return action === "revoke" ? "Already revoked." : "Revoked.";
  if (action === "suspend" && row.status === "SUSPENDED") return "Already suspended.";
  return null;
}

/**
 * Revokes or suspends many keys in one transaction, with one audit entry per key that
 * changed. Keys that cannot take the action (another tenant's, unknown, already revoked)
 * are skipped with a reason rather than failing the batch; another tenant's id is
 * reported exactly like an unknown one.
 */
export async function bulkUpdateKeys(
  ctx: TenantContext,
  ids: readonly string[],
  action: BulkKeyAction,
  reason?: string,
): Promise<BulkResult> {
  assertCan(ctx, "keys:write");
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new ValidationError("Select at least one key.", "keyIds");
  if (unique.length > MAX_BULK_KEYS) {
    throw new ValidationError(`Select at most ${MAX_BULK_KEYS} keys at once.`, "keyIds");
  }
  const why = reason?.trim() ?? "";
  if (action === "revoke" && why.length === 0) {
    throw new ValidationError("Say why the keys are revoked.", "reason");
  }
  const now = new Date();
  const outcome = await db().$transaction(
    async (tx) => {
      // Locked in id order, so two overlapping bulk changes cannot deadlock.
      const locked = await tx.$queryRaw<LockedRow[]>`
        SELECT "id", "status", "hash" FROM "ApiKey"
        WHERE "tenantId" = ${ctx.tenantId} AND "id" = ANY(${unique})
        ORDER BY "id" FOR UPDATE`;
      const byId = new Map(locked.map((row) => [row.id, row]));
      const result: BulkResult = { succeeded: [], skipped: [] };
      const changed: LockedRow[] = [];
      for (const id of unique) {
        const row = byId.get(id);
        const skip = skipReason(action, row);
        if (skip !== null || !row) result.skipped.push({ id, reason: skip ?? KEY_NOT_FOUND });
        else {
          result.succeeded.push(id);
          changed.push(row);
        }
      }
      if (changed.length === 0) return { result, events: [] };
      const changedIds = changed.map((row) => row.id);
      const retired = await liveSecretHashes(tx, ctx.tenantId, changedIds, now);
      const where = { tenantId: ctx.tenantId, id: { in: changedIds } };
      if (action === "revoke") {
        await tx.apiKey.updateMany({
          where,
          data: {
            status: "REVOKED",
            revokedAt: now,
            revokedReason: why,
            revokedById: ctx.actor.id,
          },
        });
        await tx.retiredSecret.updateMany({
          where: { tenantId: ctx.tenantId, keyId: { in: changedIds }, graceEndsAt: { gt: now } },
          data: { graceEndsAt: now },
        });
      } else {
        await tx.apiKey.updateMany({ where, data: { status: "SUSPENDED", suspendedAt: now } });
      }
      for (const row of changed) {
        await recordAudit(tx, ctx, {
          action: action === "revoke" ? "key.revoked" : "key.suspended",
          targetType: "key",
          targetId: row.id,
          before: { status: row.status },
          after:
            action === "revoke"
              ? { status: "REVOKED", reason: why, bulk: true }
              : { status: "SUSPENDED", bulk: true },
        });
      }
      const events: KeyChangedEvent[] = changed.map((row) => ({
        tenantId: ctx.tenantId,
        keyId: row.id,
        hashes: [row.hash, ...(retired.get(row.id) ?? [])],
      }));
      return { result, events };
    },
    // Up to 500 rows and 500 audit entries: more than the 5 s default allows on PGlite.
    { timeout: 60_000, maxWait: 10_000 },
  );
  for (const event of outcome.events) emitKeyChanged(event);
  return outcome.result;
}
