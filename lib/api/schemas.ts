import { z } from "zod";
import { MAX_KEY_LENGTH } from "@/lib/keys/format";
import { singleLineText } from "@/lib/validation/text";
import { RESOURCE_MAX_LENGTH } from "@/lib/verify/endpoints";
import { SCOPE_MAX_LENGTH } from "@/lib/verify/scopes";

// Request bodies of the native API. Limits are generous for real use and small enough
// that one request cannot make the hot path do unbounded work. Every string is single-line
// text (lib/validation/text.ts): what a verification carries is buffered and written
// later, so text the database cannot store must be refused here, while the caller can
// still be told which field was wrong.

/** Cents; a billion cents is $10M, far beyond any per-call cost. */
const MAX_CENTS = 1_000_000_000;
const ENDPOINT_MAX_LENGTH = 2048;

const optionalText = (max: number) =>
  singleLineText().max(max, `Use at most ${max} characters.`).optional();

export const verifyBodySchema = z.object({
  key: singleLineText({ error: "Required" }).min(1, "Required").max(MAX_KEY_LENGTH, "Too long."),
  scopes: z
    .array(singleLineText().max(SCOPE_MAX_LENGTH, `Use at most ${SCOPE_MAX_LENGTH} characters.`), {
      error: "Expected a list of scope names.",
    })
    .max(100, "At most 100 scopes.")
    .optional(),
  cost: z
    .number({ error: "Expected a whole number of cents." })
    .int("Expected a whole number of cents.")
    .min(0, "Must be 0 or more.")
    .max(MAX_CENTS, `At most ${MAX_CENTS}.`)
    .optional(),
  ip: optionalText(64),
  endpoint: optionalText(ENDPOINT_MAX_LENGTH),
  resource: optionalText(RESOURCE_MAX_LENGTH),
  tags: z
    .array(singleLineText().max(64, "Use at most 64 characters."))
    .max(20, "At most 20 tags.")
    .optional(),
});
export type VerifyBody = z.output<typeof verifyBodySchema>;

export const usageBodySchema = z
  .object({
    keyId: singleLineText().min(1, "Required").max(64, "Too long.").optional(),
    key: singleLineText().min(1, "Required").max(MAX_KEY_LENGTH, "Too long.").optional(),
    requestId: singleLineText({ error: "Required" })
      .min(1, "Required")
      .max(128, "Use at most 128 characters.")
      // Reserved for the rows that carry verify reservations (lib/verify/budget.ts).
      .refine((v) => !v.startsWith("reservation:"), 'Must not start with "reservation:".'),
    costCents: z
      .number({ error: "Expected a whole number of cents." })
      .int("Expected a whole number of cents.")
      .min(0, "Must be 0 or more.")
      .max(MAX_CENTS, `At most ${MAX_CENTS}.`)
      .default(0),
    tokens: z
      .number({ error: "Expected a whole number." })
      .int("Expected a whole number.")
      .min(0, "Must be 0 or more.")
      .max(2_000_000_000, "At most 2000000000.")
      .default(0),
    endpoint: optionalText(ENDPOINT_MAX_LENGTH),
    resource: optionalText(RESOURCE_MAX_LENGTH),
  })
  .refine((v) => v.keyId === undefined || v.key === undefined, {
    message: "Send keyId or key, not both.",
    path: ["keyId"],
  });
export type UsageBody = z.output<typeof usageBodySchema>;
