import { z } from "zod";
import { singleLineText } from "@/lib/validation/text";
import { isValidScopeGrant } from "@/lib/verify/scopes";

// The keys table's state lives in the URL. Anything in a URL can be hand-edited or stale,
// so every parameter falls back to its default instead of failing the page.

export const KEY_SORTS = ["name", "createdAt", "lastUsedAt", "expiresAt", "budget"] as const;
export type KeySort = (typeof KEY_SORTS)[number];
export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export const PAGE_SIZES = [10, 25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const KEY_STATUS_FILTERS = ["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"] as const;
const MAX_DAYS_FILTER = 3650;
const TAG_FILTER = /^[a-z0-9_.:-]{1,40}$/;

// The key shape is repeated here rather than imported from format.ts, which pulls in
// node:crypto and node:zlib and so cannot be bundled for the browser.
const FULL_KEY = /^([A-Za-z0-9_]{1,16})_([A-Za-z0-9]{42})$/;

/**
 * Search text as it may be kept in a URL. A whole pasted key is cut down to its display
 * form (`start…last4`), which finds the same key: the table state lives in the URL, and a
 * secret must never end up in one (or in the history and logs that URLs reach). Forms
 * should apply this before navigating; the query schema applies it again.
 */
export function toKeySearchText(q: string): string {
  const text = q.trim();
  const m = FULL_KEY.exec(text);
  if (!m) return text;
  const [, prefix = "", tail = ""] = m;
  return `${prefix}_${tail.slice(0, 4)}…${tail.slice(-4)}`;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function optionalText(value: unknown): unknown {
  const v = first(value);
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

const dayCount = z.preprocess(
  optionalText,
  z.coerce.number().int().min(1).max(MAX_DAYS_FILTER).optional(),
);

/**
 * Each parameter as it must be when present. The dashboard's table falls back to the
 * default for a bad one (below); the API refuses it, naming it (listKeysQueryProblems).
 */
const listKeysQueryFields = {
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)),
  pageSize: z.preprocess(
    first,
    z.coerce
      .number()
      .refine((n): n is PageSize => (PAGE_SIZES as readonly number[]).includes(n), {
        message: `Use one of ${PAGE_SIZES.join(", ")}.`,
      })
      .transform((n) => n as PageSize),
  ),
  sort: z.preprocess(first, z.enum(KEY_SORTS)),
  dir: z.preprocess(first, z.enum(SORT_DIRECTIONS)),
  q: z.preprocess(
    optionalText,
    singleLineText().max(200, "Use at most 200 characters.").transform(toKeySearchText).optional(),
  ),
  status: z.preprocess(optionalText, z.enum(KEY_STATUS_FILTERS).optional()),
  tag: z.preprocess((value) => {
    const v = optionalText(value);
    return typeof v === "string" ? v.toLowerCase() : v;
  }, z.string().regex(TAG_FILTER, "Use 1–40 lower-case letters, digits, or _ . : -").optional()),
  scope: z.preprocess(
    optionalText,
    z.string().refine(isValidScopeGrant, "Not a valid scope name.").optional(),
  ),
  expiringWithinDays: dayCount,
  overBudget80: z.preprocess((value) => {
    const v = first(value);
    return v === "1" || v === "true" || v === "on" || v === true;
  }, z.boolean()),
  unusedForDays: dayCount,
};

const listKeysQueryObject = z.object({
  page: listKeysQueryFields.page.catch(1),
  pageSize: listKeysQueryFields.pageSize.catch(50 as PageSize),
  sort: listKeysQueryFields.sort.catch("createdAt"),
  dir: listKeysQueryFields.dir.catch("desc"),
  q: listKeysQueryFields.q.catch(undefined),
  status: listKeysQueryFields.status.catch(undefined),
  tag: listKeysQueryFields.tag.catch(undefined),
  scope: listKeysQueryFields.scope.catch(undefined),
  expiringWithinDays: listKeysQueryFields.expiringWithinDays.catch(undefined),
  overBudget80: listKeysQueryFields.overBudget80.catch(false),
  unusedForDays: listKeysQueryFields.unusedForDays.catch(undefined),
});

/** Anything that is not an object (a missing searchParams, say) reads as "all defaults". */
export const listKeysQuerySchema = z.preprocess(
  (value) => (typeof value === "object" && value !== null ? value : {}),
  listKeysQueryObject,
);
export type ListKeysQuery = z.output<typeof listKeysQuerySchema>;

/**
 * Parses `searchParams` from a page (a record of strings or string arrays) or a
 * URLSearchParams. Never throws: bad values fall back to their defaults.
 */
export function parseListKeysQuery(
  params: URLSearchParams | Record<string, string | string[] | undefined> | null | undefined,
): ListKeysQuery {
  const record = params instanceof URLSearchParams ? Object.fromEntries(params) : (params ?? {});
  return listKeysQuerySchema.parse(record);
}

/**
 * What is wrong with each parameter that is present but invalid, by name (empty when all
 * are fine). Unknown parameters are not this query's business and are left alone.
 */
export function listKeysQueryProblems(params: URLSearchParams): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  for (const [name, schema] of Object.entries(listKeysQueryFields)) {
    const values = params.getAll(name);
    if (values.length === 0) continue;
    const parsed = (schema as z.ZodType).safeParse(values.length === 1 ? values[0] : values);
    if (!parsed.success) problems[name] = parsed.error.issues.map((issue) => issue.message);
  }
  return problems;
}

const DEFAULTS: ListKeysQuery = listKeysQuerySchema.parse({});

/** The URL form of a query, leaving out defaults so links stay short. */
export function listKeysQueryToSearchParams(query: Partial<ListKeysQuery>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === false) continue;
    if (value === DEFAULTS[name as keyof ListKeysQuery]) continue;
    params.set(name, value === true ? "1" : String(value));
  }
  return params;
}
