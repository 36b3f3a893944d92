import { z } from "zod";
import { singleLineText } from "@/lib/validation/text";

// The audit log's filters, as they appear in the page's URL. Pure, so the page, the
// data-access layer and the tests share one definition. A URL is typed by hand, pasted
// and bookmarked, so a bad value never fails the page: that one filter is dropped, and
// the page says so.

export const AUDIT_PAGE_SIZE = 50;
/** Far beyond any real audit log; keeps OFFSET within what the database accepts. */
export const AUDIT_MAX_PAGE = 100_000;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day as `YYYY-MM-DD` (what `<input type="date">` sends), or null. */
export function parseDay(text: string): Date | null {
  const match = DAY_PATTERN.exec(text);
  if (!match) return null;
  const [, y, m, d] = match;
  const year = Number(y);
  const month = Number(m) - 1;
  const day = Number(d);
  if (year < 1970) return null;
  const date = new Date(Date.UTC(year, month, day));
  // Date rolls 2026-02-31 over to March; such a day was not meant.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day)
    return null;
  return date;
}

const dayField = singleLineText()
  .trim()
  .refine((value) => parseDay(value) !== null, "Use a date such as 2026-03-31.");

export const auditQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(AUDIT_MAX_PAGE).default(1),
  /** Part of the actor's email or root key name (any case), or an exact actor id. */
  actor: singleLineText().trim().min(1).max(200).optional(),
  /** An exact action such as `key.revoked`. */
  action: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
    .optional(),
  /** The exact id of the changed object: a key, a scope, a root key… */
  target: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** First day shown (UTC), inclusive. */
  from: dayField.optional(),
  /** Last day shown (UTC), inclusive. */
  to: dayField.optional(),
});

export type AuditQuery = z.output<typeof auditQuerySchema>;
export type AuditFilterName = Exclude<keyof AuditQuery, "page">;
export const AUDIT_FILTERS: readonly AuditFilterName[] = [
  "actor",
  "action",
  "target",
  "from",
  "to",
];

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * Reads the audit query from the URL, field by field, so that one bad value costs only
 * that filter. Empty values (what a GET form sends for an untouched field) are simply
 * absent. Returns the names of the parameters that were present but ignored.
 */
export function parseAuditSearchParams(params: SearchParams): {
  query: AuditQuery;
  ignored: string[];
} {
  const ignored: string[] = [];
  const raw: Record<string, string> = {};
  const shape = auditQuerySchema.shape;
  const names = Object.keys(shape) as (keyof typeof shape)[];
  for (const name of names) {
    const value = params[name];
    // A repeated parameter is ambiguous; the first one is what a link most likely meant.
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined || first.trim() === "") continue;
    if (shape[name].safeParse(first).success) raw[name] = first;
    else ignored.push(name);
  }
  const query = auditQuerySchema.parse(raw);
  if (query.from && query.to && query.from > query.to) {
    // Both are valid days, but together they select nothing; the later bound is the
    // one more likely mistyped, and dropping it still shows what the person asked for.
    ignored.push("to");
    query.to = undefined;
  }
  return { query, ignored };
}

/** The query as URL parameters, page included only when past the first. */
export function auditSearchParams(query: AuditQuery, page = query.page): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of AUDIT_FILTERS) {
    const value = query[name];
    if (value) params.set(name, value);
  }
  if (page > 1) params.set("page", String(page));
  return params;
}

export function hasAuditFilters(query: AuditQuery): boolean {
  return AUDIT_FILTERS.some((name) => Boolean(query[name]));
}
