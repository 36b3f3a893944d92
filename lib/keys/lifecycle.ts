import "server-only";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { loadKeyPolicy } from "./create";
import { keyDetailSelect, toKeyDetail } from "./detail";
import { displayKeyParts, type KeyDetail } from "./dto";
import { emitKeyChanged } from "./events";
import { generateKey } from "./format";
import { liveSecretHashes, lockKey } from "./locking";
import { ROLL_GRACE_MS, type RollGrace } from "./schemas";

function checkedReason(reason: string): string {
  const text = reason.trim();
  if (text.length === 0) throw new ValidationError("Say why the key is revoked.", "reason");
  if (text.length > 500) throw new ValidationError("Use at most 500 characters.", "reason");
  return text;
}

/**
 * Revokes a key for good. The row stays (the audit history and usage point at it); the
 * status, time, reason and revoker are recorded. Secrets from earlier rolls that are
 * still in their grace period stop at once as well: a revoked key has no working secret.
 */
export async function revokeKey(ctx: TenantContext, keyId: string, reason: string): Promise<void> {
  assertCan(ctx, "keys:write");
  const why = checkedReason(reason);
  const now = new Date();
  const hashes = await db().$transaction(async (tx) => {
    const key = await lockKey(tx, ctx.tenantId, keyId);
    if (key.status === "REVOKED") throw new ValidationError("This key is already revoked.");
    const retired = await liveSecretHashes(tx, ctx.tenantId, [key.id], now);
    await tx.apiKey.update({
      where: { id: key.id },
      data: { status: "REVOKED", revokedAt: now, revokedReason: why, revokedById: ctx.actor.id },
    });
    await tx.retiredSecret.updateMany({
      where: { tenantId: ctx.tenantId, keyId: key.id, graceEndsAt: { gt: now } },
      data: { graceEndsAt: now },
    });
    await recordAudit(tx, ctx, {
      action: "key.revoked",
      targetType: "key",
      targetId: key.id,
      before: { status: key.status },
      after: { status: "REVOKED", reason: why },
    });
    return [key.hash, ...(retired.get(key.id) ?? [])];
  });
  emitKeyChanged({ tenantId: ctx.tenantId, keyId, hashes });
}

async function setSuspended(ctx: TenantContext, keyId: string, suspend: boolean): Promise<void> {
  assertCan(ctx, "keys:write");
  const now = new Date();
  const hashes = await db().$transaction(async (tx) => {
    const key = await lockKey(tx, ctx.tenantId, keyId);
    if (key.status === "REVOKED") {
      throw new ValidationError(
        suspend
          ? "This key is revoked; revoked keys cannot be suspended."
          : "This key is revoked; revoked keys cannot be reactivated.",
      );
    }
    if (suspend && key.status === "SUSPENDED") {
      throw new ValidationError("This key is already suspended.");
    }
    if (!suspend && key.status !== "SUSPENDED") {
      throw new ValidationError("This key is not suspended.");
    }
    const status = suspend ? "SUSPENDED" : "ACTIVE";
    await tx.apiKey.update({
      where: { id: key.id },
      data: { status, suspendedAt: suspend ? now : null },
    });
    await recordAudit(tx, ctx, {
      action: suspend ? "key.suspended" : "key.reactivated",
      targetType: "key",
      targetId: key.id,
      before: { status: key.status },
      after: { status },
    });
    const retired = await liveSecretHashes(tx, ctx.tenantId, [key.id], now);
    return [key.hash, ...(retired.get(key.id) ?? [])];
  });
  emitKeyChanged({ tenantId: ctx.tenantId, keyId, hashes });
}

/** Stops a key from verifying until it is reactivated. Not for revoked keys. */
export function suspendKey(ctx: TenantContext, keyId: string): Promise<void> {
  return setSuspended(ctx, keyId, true);
}

export function reactivateKey(ctx: TenantContext, keyId: string): Promise<void> {
  return setSuspended(ctx, keyId, false);
}

/**
 * Issues a new secret for the same key (same id, settings, usage and history). The old
 * secret moves to RetiredSecret and keeps verifying until the grace period ends; grace
 * "0" ends it now (the row is still written, as the record of the roll). Older secrets
 * still in grace are cut to the same end, so after the grace period only the new secret
 * works, whatever was rolled before. The new secret uses the tenant's current prefix.
 */
export async function rollKey(
  ctx: TenantContext,
  keyId: string,
  grace: RollGrace,
): Promise<{ plaintext: string; key: KeyDetail }> {
  assertCan(ctx, "keys:write");
  const now = new Date();
  const graceEndsAt = new Date(now.getTime() + ROLL_GRACE_MS[grace]);
  const result = await db().$transaction(async (tx) => {
    const key = await lockKey(tx, ctx.tenantId, keyId);
    if (key.status === "REVOKED") {
      throw new ValidationError("This key is revoked; revoked keys cannot be rolled.");
    }
    const { keyPrefix } = await loadKeyPolicy(tx, ctx.tenantId);
    const retired = await liveSecretHashes(tx, ctx.tenantId, [key.id], now);
    await tx.retiredSecret.updateMany({
      where: { tenantId: ctx.tenantId, keyId: key.id, graceEndsAt: { gt: graceEndsAt } },
      data: { graceEndsAt },
    });
    await tx.retiredSecret.create({
      data: {
        tenantId: ctx.tenantId,
        keyId: key.id,
        hash: key.hash,
        start: key.start,
        last4: key.last4,
        retiredAt: now,
        graceEndsAt,
      },
    });
    const generated = generateKey(keyPrefix);
    const record = await tx.apiKey.update({
      where: { id: key.id },
      data: { hash: generated.hash, start: generated.start, last4: generated.last4, rolledAt: now },
      select: keyDetailSelect,
    });
    await recordAudit(tx, ctx, {
      action: "key.rolled",
      targetType: "key",
      targetId: key.id,
      before: { display: displayKeyParts(key.start, key.last4) },
      after: {
        display: displayKeyParts(record.start, record.last4),
        grace,
        graceEndsAt: graceEndsAt.toISOString(),
      },
    });
    return {
      plaintext: generated.key,
      key: await toKeyDetail(tx, ctx.tenantId, record, now),
      hashes: [key.hash, generated.hash, ...(retired.get(key.id) ?? [])],
    };
  });
  emitKeyChanged({ tenantId: ctx.tenantId, keyId, hashes: result.hashes });
  return { plaintext: result.plaintext, key: result.key };
}
