import { z } from "zod";
import { multiLineText, recordId, singleLineText } from "@/lib/validation/text";
import {
  isValidResourcePattern,
  parseEndpointPattern,
  RESOURCE_MAX_LENGTH,
} from "@/lib/verify/endpoints";
import { parseCidr } from "@/lib/verify/ip";
import { isValidScopeGrant, SCOPE_MAX_LENGTH } from "@/lib/verify/scopes";
import {
  budgetCentsField,
  budgetPeriodField,
  entry,
  expiresAtField,
  expiresInDaysField,
  flagField,
  listField,
  metadataField,
  positiveIntField,
  quoteEntry,
  RATE_LIMIT_MAX,
  toList,
} from "./schema-fields";

// One zod schema per key form, shared by the form and its server action (which always
// parses again: server actions are public endpoints). Only pure modules are imported
// here, so client components can import these schemas too.

export {
  type ListKeysQuery,
  listKeysQuerySchema,
  listKeysQueryToSearchParams,
  parseListKeysQuery,
  toKeySearchText,
} from "./list-query";
export { KEY_PRESETS, type KeyFormValues, type KeyPresetId, presetValues } from "./presets";

export const TAG_PATTERN = /^[a-z0-9_.:-]{1,40}$/;
export const MAX_TAGS = 20;
export const MAX_SCOPES_PER_KEY = 100;
export const MAX_LIST_ENTRIES = 100;
export const MAX_BULK_KEYS = 500;

const nameField = singleLineText({ error: "Name the key." })
  .trim()
  .min(1, "Name the key.")
  .max(100, "Use at most 100 characters.");

const descriptionField = z.preprocess(
  (value) => (value === null ? "" : value),
  multiLineText({ error: "Describe the key in text." })
    .trim()
    .max(500, "Use at most 500 characters."),
);

const tagEntry = entry((value) => {
  const tag = value.toLowerCase();
  return TAG_PATTERN.test(tag)
    ? { ok: true, value: tag }
    : {
        ok: false,
        error: `Tag ${quoteEntry(value)}: use 1–40 lower-case letters, digits, or _ . : -`,
      };
}, 40);

const scopeEntry = entry(
  (value) =>
    isValidScopeGrant(value)
      ? { ok: true, value }
      : {
          ok: false,
          error: `Scope ${quoteEntry(value)} is not a valid scope name (lower-case, such as orders:read or orders:*).`,
        },
  SCOPE_MAX_LENGTH,
);

const cidrEntry = entry((value) => {
  const parsed = parseCidr(value);
  // Stored in canonical form (`10.0.0.1` becomes `10.0.0.1/32`), so lists compare cleanly.
  return parsed.ok
    ? { ok: true, value: parsed.value.text }
    : { ok: false, error: `${quoteEntry(value)}: ${parsed.error}.` };
}, 64);

const endpointEntry = entry((value) => {
  const parsed = parseEndpointPattern(value);
  return parsed.ok
    ? { ok: true, value }
    : { ok: false, error: `${quoteEntry(value)}: ${parsed.error}.` };
});

const resourceEntry = entry(
  (value) =>
    isValidResourcePattern(value)
      ? { ok: true, value }
      : { ok: false, error: `${quoteEntry(value)}: "*" is only allowed at the end.` },
  RESOURCE_MAX_LENGTH,
);

const rateLimitField = positiveIntField(RATE_LIMIT_MAX, "Use at most 1,000,000,000.");

export const keyIdField = recordId("Choose a key.");

/** The settings fields a key has; create and update share them. */
const keySettingsFields = {
  description: descriptionField.optional(),
  tags: listField(tagEntry, MAX_TAGS, "tags").optional(),
  scopes: listField(scopeEntry, MAX_SCOPES_PER_KEY, "scopes").optional(),
  expiresAt: expiresAtField,
  expiresInDays: expiresInDaysField,
  rateLimitPerMinute: rateLimitField.optional(),
  rateLimitPerHour: rateLimitField.optional(),
  rateLimitPerDay: rateLimitField.optional(),
  budgetCents: budgetCentsField.optional(),
  budgetPeriod: budgetPeriodField.optional(),
  ipAllowlist: listField(cidrEntry, MAX_LIST_ENTRIES, "IP ranges").optional(),
  allowedEndpoints: listField(endpointEntry, MAX_LIST_ENTRIES, "endpoints").optional(),
  allowedResources: listField(resourceEntry, MAX_LIST_ENTRIES, "resources").optional(),
  metadata: metadataField.optional(),
};

type ExpiryShape = { expiresAt?: Date; expiresInDays?: number };

function refineOneExpiry(value: ExpiryShape, ctx: z.RefinementCtx): void {
  if (value.expiresAt !== undefined && value.expiresInDays !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["expiresInDays"],
      message: "Choose a date or a number of days, not both.",
    });
  }
}

export const createKeySchema = z
  .object({ name: nameField, ...keySettingsFields })
  .superRefine((value, ctx) => {
    refineOneExpiry(value, ctx);
    if (value.budgetCents != null && value.budgetPeriod == null) {
      ctx.addIssue({
        code: "custom",
        path: ["budgetPeriod"],
        message: "Choose whether the budget is a total or per month.",
      });
    }
  });
export type CreateKeyInput = z.output<typeof createKeySchema>;

/**
 * Every field is optional: a field that is absent stays as it is. A field that is
 * present but empty clears the setting (no rate limit, no budget, no tags, …). Expiry is
 * cleared only with `clearExpiry`, so an untouched date field never removes it.
 * `expiresInDays` means "N days from now", which is how an expiry is extended.
 */
export const updateKeySchema = z
  .object({
    keyId: keyIdField,
    name: nameField.optional(),
    ...keySettingsFields,
    clearExpiry: flagField.optional().default(false),
    resetSpent: flagField.optional().default(false),
  })
  .superRefine((value, ctx) => {
    refineOneExpiry(value, ctx);
    if (value.clearExpiry && (value.expiresAt !== undefined || value.expiresInDays !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["clearExpiry"],
        message: "Either set a new expiry or clear it, not both.",
      });
    }
  });
export type UpdateKeyInput = z.output<typeof updateKeySchema>;

const reasonField = multiLineText({ error: "Say why the key is revoked." })
  .trim()
  .min(1, "Say why the key is revoked.")
  .max(500, "Use at most 500 characters.");

export const keyIdSchema = z.object({ keyId: keyIdField });

export const revokeKeySchema = z.object({ keyId: keyIdField, reason: reasonField });
export type RevokeKeyInput = z.output<typeof revokeKeySchema>;

export const ROLL_GRACE_PERIODS = ["0", "1h", "24h", "7d"] as const;
export type RollGrace = (typeof ROLL_GRACE_PERIODS)[number];
export const ROLL_GRACE_MS: Record<RollGrace, number> = {
  "0": 0,
  "1h": 60 * 60 * 1000,
  "24h": 24 * 60 * 60 * 1000,
  "7d": 7 * 24 * 60 * 60 * 1000,
};

export const rollKeySchema = z.object({
  keyId: keyIdField,
  grace: z.enum(ROLL_GRACE_PERIODS, { error: "Choose how long the old secret keeps working." }),
});
export type RollKeyInput = z.output<typeof rollKeySchema>;

export const BULK_KEY_ACTIONS = ["revoke", "suspend"] as const;
export type BulkKeyAction = (typeof BULK_KEY_ACTIONS)[number];

export const bulkSchema = z
  .object({
    keyIds: z.preprocess(
      toList,
      z
        .array(keyIdField, { error: "Select at least one key." })
        .min(1, "Select at least one key.")
        .max(MAX_BULK_KEYS, `Select at most ${MAX_BULK_KEYS} keys at once.`)
        .transform((ids) => [...new Set(ids)]),
    ),
    action: z.enum(BULK_KEY_ACTIONS, { error: "Choose revoke or suspend." }),
    reason: z.preprocess(
      (value) => (value === "" || value === null ? undefined : value),
      reasonField.optional(),
    ),
  })
  .superRefine((value, ctx) => {
    if (value.action === "revoke" && !value.reason) {
      ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why the keys are revoked." });
    }
  });
export type BulkKeysInput = z.output<typeof bulkSchema>;
