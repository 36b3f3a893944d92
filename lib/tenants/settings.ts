import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { MAX_EXPIRY_DAYS } from "@/lib/keys/expiry";
import { isValidKeyPrefix } from "@/lib/keys/format";
import { flagField, positiveIntField } from "@/lib/keys/schema-fields";
import { singleLineText } from "@/lib/validation/text";

// Tenant-wide key settings: the prefix of new keys and the expiry policies. Owners only.

export type TenantSettings = {
  keyPrefix: string;
  defaultExpiryDays: number | null;
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
};

const daysField = positiveIntField(MAX_EXPIRY_DAYS, `Use at most ${MAX_EXPIRY_DAYS} days.`);

/**
 * Every field is optional and an absent one is left as it is; an empty number field
 * removes that policy. A checkbox sends nothing when unticked, so the form must put a
 * hidden `requireExpiry=false` before the checkbox (the checkbox's "on" comes later and
 * wins when ticked).
 */
export const updateTenantSettingsSchema = z.object({
  keyPrefix: singleLineText({ error: "Enter a key prefix." })
    .trim()
    .refine(isValidKeyPrefix, "Use 1–16 letters, digits or underscores, such as acme_live.")
    .optional(),
  defaultExpiryDays: daysField.optional(),
  maxLifetimeDays: daysField.optional(),
  requireExpiry: flagField.optional(),
});
export type UpdateTenantSettingsInput = z.output<typeof updateTenantSettingsSchema>;

const settingsSelect = {
  keyPrefix: true,
  defaultExpiryDays: true,
  maxLifetimeDays: true,
  requireExpiry: true,
} as const;

/** Readable by every member: the key form shows the policies that will apply. */
export async function getTenantSettings(ctx: TenantContext): Promise<TenantSettings> {
  assertCan(ctx, "tenant:read");
  const tenant = await db().tenant.findUnique({
    where: { id: ctx.tenantId },
    select: settingsSelect,
  });
  if (!tenant) throw new NotFoundError("Organization not found.");
  return tenant;
}

/**
 * Changes the settings. A new prefix applies to keys issued (or rolled) from now on;
 * existing keys keep theirs, so nothing that already works stops working. Policies
 * apply to new keys and to expiry changes, not retroactively.
 */
export async function updateTenantSettings(
  ctx: TenantContext,
  input: UpdateTenantSettingsInput,
): Promise<TenantSettings> {
  assertCan(ctx, "settings:manage");
  return db().$transaction(async (tx) => {
    // Two saves at once (the prefix form and the policy form, or two owners) must not
    // overwrite each other with stale values, nor pass the default ≤ max check apart
    // and fail it together: the tenant row is locked for the read-check-write.
    await tx.$queryRaw`SELECT 1 FROM "Tenant" WHERE "id" = ${ctx.tenantId} FOR UPDATE`;
    const current = await tx.tenant.findUnique({
      where: { id: ctx.tenantId },
      select: settingsSelect,
    });
    if (!current) throw new NotFoundError("Organization not found.");
    const next: TenantSettings = {
      keyPrefix: input.keyPrefix ?? current.keyPrefix,
      defaultExpiryDays:
        input.defaultExpiryDays === undefined ? current.defaultExpiryDays : input.defaultExpiryDays,
      maxLifetimeDays:
        input.maxLifetimeDays === undefined ? current.maxLifetimeDays : input.maxLifetimeDays,
      requireExpiry: input.requireExpiry ?? current.requireExpiry,
    };
    if (
      next.defaultExpiryDays !== null &&
      next.maxLifetimeDays !== null &&
      next.defaultExpiryDays > next.maxLifetimeDays
    ) {
      throw new ValidationError(
        `The default expiry cannot be longer than the maximum lifetime (${next.maxLifetimeDays} days).`,
        "defaultExpiryDays",
      );
    }
    const before: Record<string, string | number | boolean | null> = {};
    const after: Record<string, string | number | boolean | null> = {};
    for (const field of Object.keys(settingsSelect) as (keyof TenantSettings)[]) {
      if (current[field] === next[field]) continue;
      before[field] = current[field];
      after[field] = next[field];
    }
    if (Object.keys(after).length === 0) return current;
    const updated = await tx.tenant.update({
      where: { id: ctx.tenantId },
      data: next,
      select: settingsSelect,
    });
    await recordAudit(tx, ctx, {
      action: "settings.updated",
      targetType: "tenant",
      targetId: ctx.tenantId,
      before,
      after,
    });
    return updated;
  });
}
