import "server-only";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { budgetPeriodStartFor, loadKeyPolicy } from "./create";
import { type KeyDetailRow, keyDetailSelect, toKeyDetail } from "./detail";
import type { KeyDetail } from "./dto";
import { emitKeyChanged } from "./events";
import { assertExpiryWithinPolicy, type ExpiryPolicy, requestedExpiry } from "./expiry";
import { assertGrantableScopes } from "./grantable-scopes";
import { liveSecretHashes, lockKey } from "./locking";
import type { JsonObject } from "./schema-fields";
import type { UpdateKeyInput } from "./schemas";
import {
  AUDITED_KEY_FIELDS,
  type AuditObject,
  auditValue,
  type KeySettings,
  sameAuditValue,
} from "./snapshot";

type Changes = Partial<Omit<KeySettings, "metadata">> & { metadata?: JsonObject | null };

function budgetChanges(input: UpdateKeyInput, current: KeyDetailRow): Changes {
  if (input.budgetCents === null) return { budgetCents: null, budgetPeriod: null };
  if (input.budgetCents !== undefined) {
    const period = input.budgetPeriod ?? current.budgetPeriod;
    if (!period) {
      throw new ValidationError(
        "Choose whether the budget is a total or per month.",
        "budgetPeriod",
      );
    }
    return { budgetCents: input.budgetCents, budgetPeriod: period };
  }
  // A period on its own changes an existing budget; without a budget there is nothing to
  // attach it to (forms send the period select even when the budget field is empty).
  if (input.budgetPeriod && current.budgetCents !== null)
    return { budgetPeriod: input.budgetPeriod };
  return {};
}

function expiryChanges(
  input: UpdateKeyInput,
  current: KeyDetailRow,
  policy: ExpiryPolicy,
  now: Date,
): Changes {
  // The maximum lifetime counts from the key's creation, not from this edit.
  if (input.clearExpiry) {
    assertExpiryWithinPolicy(null, current.createdAt, policy);
    return { expiresAt: null };
  }
  const requested = requestedExpiry(input, now);
  if (requested === null) return {};
  assertExpiryWithinPolicy(requested, current.createdAt, policy);
  return { expiresAt: requested };
}

/** What the input asks to change; a field left undefined is not touched. */
function requestedChanges(
  input: UpdateKeyInput,
  current: KeyDetailRow,
  policy: ExpiryPolicy,
  now: Date,
): Changes {
  const changes: Changes = {};
  const fields = [
    "name",
    "description",
    "tags",
    "scopes",
    "rateLimitPerMinute",
    "rateLimitPerHour",
    "rateLimitPerDay",
    "ipAllowlist",
    "allowedEndpoints",
    "allowedResources",
    "metadata",
  ] as const;
  for (const field of fields) {
    if (input[field] !== undefined) Object.assign(changes, { [field]: input[field] });
  }
  return {
    ...changes,
    ...budgetChanges(input, current),
    ...expiryChanges(input, current, policy, now),
  };
}

/**
 * Edits a key's settings. The audit entry holds only the fields that actually changed,
 * each with its old and new value; an edit that changes nothing writes nothing.
 */
export async function updateKey(ctx: TenantContext, input: UpdateKeyInput): Promise<KeyDetail> {
  assertCan(ctx, "keys:write");
  const now = new Date();
  const result = await db().$transaction(async (tx) => {
    const current = await lockKey(tx, ctx.tenantId, input.keyId);
    if (current.status === "REVOKED") {
      throw new ValidationError("This key is revoked. Revoked keys cannot be changed.");
    }
    const policy = await loadKeyPolicy(tx, ctx.tenantId);
    const changes = requestedChanges(input, current, policy, now);
    if (changes.scopes) {
      await assertGrantableScopes(tx, ctx.tenantId, changes.scopes, current.scopes);
    }
    const before: AuditObject = {};
    const after: AuditObject = {};
    const changed: Changes = {};
    for (const field of AUDITED_KEY_FIELDS) {
      if (!(field in changes) || sameAuditValue(current[field], changes[field])) continue;
      before[field] = auditValue(current[field]);
      after[field] = auditValue(changes[field]);
      Object.assign(changed, { [field]: changes[field] });
    }
    const { metadata, ...columns } = changed;
    const data: Prisma.ApiKeyUpdateInput = { ...columns };
    if (metadata !== undefined) data.metadata = metadata ?? Prisma.DbNull;
    const period = "budgetPeriod" in changed ? changed.budgetPeriod : undefined;
    if (period !== undefined) {
      data.budgetPeriodStart = period === null ? null : budgetPeriodStartFor(period, now);
    }
    if (input.resetSpent && current.budgetSpentCents !== 0) {
      before.budgetSpentCents = current.budgetSpentCents;
      after.budgetSpentCents = 0;
      data.budgetSpentCents = 0;
      const currentPeriod = period ?? current.budgetPeriod;
      if (currentPeriod) data.budgetPeriodStart = budgetPeriodStartFor(currentPeriod, now);
    }
    if (Object.keys(after).length === 0) {
      return { detail: await toKeyDetail(tx, ctx.tenantId, current, now), hashes: null };
    }
    const record = await tx.apiKey.update({
      where: { id: current.id },
      data,
      select: keyDetailSelect,
    });
    await recordAudit(tx, ctx, {
      action: "key.updated",
      targetType: "key",
      targetId: current.id,
      before,
      after,
    });
    const retired = await liveSecretHashes(tx, ctx.tenantId, [current.id], now);
    return {
      detail: await toKeyDetail(tx, ctx.tenantId, record, now),
      hashes: [current.hash, ...(retired.get(current.id) ?? [])],
    };
  });
  if (result.hashes) {
    emitKeyChanged({ tenantId: ctx.tenantId, keyId: input.keyId, hashes: result.hashes });
  }
  return result.detail;
}
