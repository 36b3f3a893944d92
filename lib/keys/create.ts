import "server-only";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { type DbClient, keyDetailSelect, toKeyDetail } from "./detail";
import type { BudgetPeriodName, KeyDetail } from "./dto";
import { resolveNewKeyExpiry, startOfUtcMonth } from "./expiry";
import { generateKey } from "./format";
import { assertGrantableScopes } from "./grantable-scopes";
import type { CreateKeyInput } from "./schemas";
import { settingsSnapshot } from "./snapshot";

export type TenantKeyPolicy = {
  keyPrefix: string;
  defaultExpiryDays: number | null;
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
};

export async function loadKeyPolicy(tx: DbClient, tenantId: string): Promise<TenantKeyPolicy> {
  const tenant = await tx.tenant.findUnique({
    where: { id: tenantId },
    select: {
      keyPrefix: true,
      defaultExpiryDays: true,
      maxLifetimeDays: true,
      requireExpiry: true,
    },
  });
  if (!tenant) throw new NotFoundError("Organization not found.");
  return tenant;
}

/** A budget period's counter starts now, or at the start of the UTC month for MONTHLY. */
export function budgetPeriodStartFor(period: BudgetPeriodName, now: Date): Date {
  return period === "MONTHLY" ? startOfUtcMonth(now) : now;
}

function creatorColumns(ctx: TenantContext) {
  return ctx.actor.type === "USER"
    ? { createdByUserId: ctx.actor.id }
    : { createdByRootKeyId: ctx.actor.id };
}

/**
 * Issues a key. The plaintext is returned to the caller exactly once and exists nowhere
 * else: the row stores its SHA-256, `start` and `last4`, and the audit entry records
 * the settings and the display form only.
 */
export async function createKey(
  ctx: TenantContext,
  input: CreateKeyInput,
): Promise<{ key: KeyDetail; plaintext: string }> {
  assertCan(ctx, "keys:write");
  const now = new Date();
  return db().$transaction(async (tx) => {
    const policy = await loadKeyPolicy(tx, ctx.tenantId);
    const scopes = input.scopes ?? [];
    await assertGrantableScopes(tx, ctx.tenantId, scopes);
    const expiresAt = resolveNewKeyExpiry(input, policy, now);
    const budgetCents = input.budgetCents ?? null;
    const budgetPeriod = budgetCents === null ? null : (input.budgetPeriod ?? null);
    if (budgetCents !== null && budgetPeriod === null) {
      throw new ValidationError(
        "Choose whether the budget is a total or per month.",
        "budgetPeriod",
      );
    }
    const generated = generateKey(policy.keyPrefix);
    const record = await tx.apiKey.create({
      data: {
        tenantId: ctx.tenantId,
        name: input.name,
        description: input.description ?? "",
        hash: generated.hash,
        start: generated.start,
        last4: generated.last4,
        scopes,
        tags: input.tags ?? [],
        expiresAt,
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        rateLimitPerHour: input.rateLimitPerHour ?? null,
        rateLimitPerDay: input.rateLimitPerDay ?? null,
        budgetCents,
        budgetPeriod,
        budgetPeriodStart: budgetPeriod === null ? null : budgetPeriodStartFor(budgetPeriod, now),
        ipAllowlist: input.ipAllowlist ?? [],
        allowedEndpoints: input.allowedEndpoints ?? [],
        allowedResources: input.allowedResources ?? [],
        ...(input.metadata ? { metadata: input.metadata } : {}),
        ...creatorColumns(ctx),
        createdAt: now,
      },
      select: keyDetailSelect,
    });
    await recordAudit(tx, ctx, {
      action: "key.created",
      targetType: "key",
      targetId: record.id,
      after: { display: `${record.start}…${record.last4}`, ...settingsSnapshot(record) },
    });
    return { key: await toKeyDetail(tx, ctx.tenantId, record, now), plaintext: generated.key };
  });
}
