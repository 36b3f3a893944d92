import { z } from "zod";
import { JSON_MAX_DEPTH, type JsonObject, jsonValueProblem } from "@/lib/validation/json";
import { singleLineText } from "@/lib/validation/text";
import { MAX_EXPIRY_DAYS, parseExpiryInput } from "./expiry";

// Building blocks for the key forms. Values arrive from FormData as strings (or from a
// JSON body as numbers and arrays), so every field accepts both and normalises them.
// Pure: the same schemas validate in the browser and again in the server action.

export type { JsonObject, JsonValue } from "@/lib/validation/json";

export const RATE_LIMIT_MAX = 1_000_000_000;
/** The budget columns are 32-bit integers. */
export const BUDGET_MAX_CENTS = 2_147_483_647;
export const METADATA_MAX_BYTES = 4096;
const LIST_TEXT_MAX = 50_000;

/** Quotes a user's entry inside an error message, shortened so the message stays readable. */
export function quoteEntry(entry: string): string {
  return `"${entry.length > 60 ? `${entry.slice(0, 57)}…` : entry}"`;
}

/**
 * One text field with entries separated by newlines or commas, or a `field[]` array of
 * entries: both become a list of trimmed, non-empty strings. Array entries are not split
 * again, so a client that sends arrays can use commas inside an entry.
 */
export function toList(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (value === null) return [];
  if (typeof value === "string") {
    if (value.length > LIST_TEXT_MAX) return value; // fails the array check below
    return value
      .split(/[\n,]/)
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0);
  }
  if (Array.isArray(value)) {
    return value
      .map((entry) => (typeof entry === "string" ? entry.trim() : entry))
      .filter((entry) => entry !== "");
  }
  return value;
}

type EntryCheck = (entry: string) => { ok: true; value: string } | { ok: false; error: string };

/** A list entry that is checked (and possibly rewritten) by `check`. */
export function entry(check: EntryCheck, maxLength = 256) {
  return singleLineText({ error: "Each entry must be text." })
    .max(maxLength, `Entries can be at most ${maxLength} characters.`)
    .transform((value, ctx) => {
      const result = check(value);
      if (result.ok) return result.value;
      ctx.addIssue({ code: "custom", message: result.error });
      return z.NEVER;
    });
}

/** A de-duplicated list of `item`s, at most `max` of them. */
export function listField(item: z.ZodType<string, string>, max: number, noun: string) {
  return z.preprocess(
    toList,
    z
      .array(item, { error: `Enter the ${noun} as text, one per line.` })
      .max(max, `Use at most ${max} ${noun}.`)
      .transform((values) => [...new Set(values)]),
  );
}

function toNumberOrNull(value: unknown): unknown {
  if (value === null) return null;
  if (typeof value !== "string") return value;
  const text = value.trim();
  return text === "" ? null : Number(text);
}

/** An optional whole number above 0; an empty field means "no limit" (null). */
export function positiveIntField(max: number, maxMessage: string) {
  const message = "Use a whole number above 0.";
  return z.preprocess(
    toNumberOrNull,
    z.number({ error: message }).int(message).min(1, message).max(max, maxMessage).nullable(),
  );
}

/** Budget in cents: 0 is allowed (a key that may not spend anything). */
export const budgetCentsField = z.preprocess(
  toNumberOrNull,
  z
    .number({ error: "Use a whole number of cents, 0 or more." })
    .int("Use a whole number of cents, 0 or more.")
    .min(0, "Use a whole number of cents, 0 or more.")
    .max(BUDGET_MAX_CENTS, `Use at most ${BUDGET_MAX_CENTS} cents.`)
    .nullable(),
);

export const budgetPeriodField = z.preprocess(
  (value) => (value === "" ? null : value),
  z.enum(["TOTAL", "MONTHLY"], { error: "Choose a total budget or a monthly one." }).nullable(),
);

const TRUE_WORDS = new Set(["on", "true", "1", "yes"]);
const FALSE_WORDS = new Set(["off", "false", "0", "no", ""]);

/** A checkbox: "on" when ticked, absent when not. Also accepts JSON booleans. */
export const flagField = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return value;
  },
  z.boolean({ error: "Choose yes or no." }),
);

/** An empty string means "not given" (the other expiry field, or no change). */
function emptyToUndefined(value: unknown): unknown {
  return value === "" || value === null ? undefined : value;
}

export const expiresAtField = z.preprocess(
  emptyToUndefined,
  z
    .union([z.date(), singleLineText().max(40)], { error: "Enter a date such as 2026-12-31." })
    .transform((value, ctx) => {
      const date = typeof value === "string" ? parseExpiryInput(value) : value;
      if (date === null || Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: "custom", message: "Enter a date such as 2026-12-31." });
        return z.NEVER;
      }
      // Checked when the form is parsed: a date that has passed by then cannot be meant.
      if (date.getTime() <= Date.now()) {
        ctx.addIssue({ code: "custom", message: "Choose a date in the future." });
        return z.NEVER;
      }
      return date;
    })
    .optional(),
);

export const expiresInDaysField = z.preprocess((value) => {
  const n = toNumberOrNull(value);
  return n === null ? undefined : n;
}, z
  .number({ error: "Use a whole number of days above 0." })
  .int("Use a whole number of days above 0.")
  .min(1, "Use a whole number of days above 0.")
  .max(MAX_EXPIRY_DAYS, `Use at most ${MAX_EXPIRY_DAYS} days.`)
  .optional());

function byteLength(text: string): number {
  // TextEncoder exists in browsers and in Node, unlike Buffer.
  return new TextEncoder().encode(text).length;
}

/**
 * Metadata: JSON text (or an object, from a JSON body) that must be an object of at most
 * 4 KB once serialised. An empty field means "no metadata" (null).
 */
export const metadataField = z.unknown().transform((value, ctx): JsonObject | null => {
  if (value === null || value === undefined) return null;
  let parsed: unknown = value;
  if (typeof value === "string") {
    if (value.trim() === "") return null;
    // Refuse absurd input before parsing it; whitespace can make valid JSON a bit longer
    // than its serialised form, so the exact limit is applied after parsing.
    if (value.length > METADATA_MAX_BYTES * 4) {
      ctx.addIssue({ code: "custom", message: "Metadata must be at most 4 KB." });
      return z.NEVER;
    }
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Metadata must be valid JSON." });
      return z.NEVER;
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    ctx.addIssue({
      code: "custom",
      message: 'Metadata must be a JSON object, such as {"team": "billing"}.',
    });
    return z.NEVER;
  }
  // Checked before serialising: the walk stops at the first problem and at the limits,
  // and its bound on depth is what keeps a deeply nested value from every later reader.
  const problem = jsonValueProblem(parsed, {
    maxDepth: JSON_MAX_DEPTH,
    maxSize: METADATA_MAX_BYTES * 4,
  });
  if (problem) {
    ctx.addIssue({ code: "custom", message: `Metadata${problem}` });
    return z.NEVER;
  }
  const serialized = JSON.stringify(parsed);
  if (byteLength(serialized) > METADATA_MAX_BYTES) {
    ctx.addIssue({ code: "custom", message: "Metadata must be at most 4 KB." });
    return z.NEVER;
  }
  // A round trip gives the stored value a plain shape of its own (no shared references).
  return JSON.parse(serialized) as JsonObject;
});
