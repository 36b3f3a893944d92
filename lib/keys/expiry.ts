import { ValidationError } from "@/lib/auth/errors";

// Expiry input parsing and the tenant's expiry policies. Pure, so the form schema (which
// may run in the browser) and the data-access layer share one definition.

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Upper bound for "in N days": a hundred years is "no expiry" in all but name. */
export const MAX_EXPIRY_DAYS = 36_500;

const DATE_INPUT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads `YYYY-MM-DD` or an ISO date-time. A bare date means the end of that day in UTC,
 * because "expires on 31 March" should keep working on 31 March. A date-time without an
 * offset (what `<input type="datetime-local">` sends) is read as UTC; forms that want
 * the user's zone should send the offset. Returns null for anything else, including
 * impossible dates such as 2026-02-31 that `Date` would silently roll over.
 */
export function parseExpiryInput(text: string): Date | null {
  const m = DATE_INPUT.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const dateOnly = h === undefined;
  const hour = dateOnly ? 23 : Number(h);
  const minute = dateOnly ? 59 : Number(mi);
  const second = dateOnly ? 59 : Number(s ?? 0);
  const milli = dateOnly ? 999 : Number((ms ?? "0").padEnd(3, "0"));
  const utc = Date.UTC(year, month, day, hour, minute, second, milli);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  if (!zone || zone === "Z") return check;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  if (offsetMinutes > 14 * 60) return null;
  return new Date(utc - sign * offsetMinutes * 60_000);
}

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

export function endOfUtcDay(date: Date): Date {
  const end = new Date(date);
  end.setUTCHours(23, 59, 59, 999);
  return end;
}

export function startOfUtcMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** `2026-03-31`, the form dates are shown in inside messages. */
export function formatUtcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export type ExpiryPolicy = {
  defaultExpiryDays: number | null;
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
};

/**
 * The latest expiry a key created at `createdAt` may have. It runs to the end of that
 * UTC day, so picking the date that the message names is always accepted.
 */
export function latestAllowedExpiry(createdAt: Date, maxLifetimeDays: number): Date {
  return endOfUtcDay(addDays(createdAt, maxLifetimeDays));
}

/**
 * Throws a ValidationError on the `expiresAt` field when an expiry breaks the tenant's
 * policy. `expiresAt` null means "never expires".
 */
export function assertExpiryWithinPolicy(
  expiresAt: Date | null,
  createdAt: Date,
  policy: ExpiryPolicy,
): void {
  const max =
    policy.maxLifetimeDays === null ? null : latestAllowedExpiry(createdAt, policy.maxLifetimeDays);
  if (expiresAt === null) {
    if (max !== null) {
      throw new ValidationError(
        `Keys in this organization must expire within ${policy.maxLifetimeDays} days of creation: choose a date on or before ${formatUtcDay(max)}.`,
        "expiresAt",
      );
    }
    if (policy.requireExpiry) {
      throw new ValidationError(
        "This organization requires every key to expire. Choose a date or a number of days.",
        "expiresAt",
      );
    }
    return;
  }
  if (max !== null && expiresAt.getTime() > max.getTime()) {
    throw new ValidationError(
      `Keys in this organization can live at most ${policy.maxLifetimeDays} days: choose a date on or before ${formatUtcDay(max)}.`,
      "expiresAt",
    );
  }
}

export type ExpiryInput = {
  expiresAt?: Date | null;
  expiresInDays?: number | null;
};

/** The expiry the user asked for, or null when they left both fields empty. */
export function requestedExpiry(input: ExpiryInput, now: Date): Date | null {
  if (input.expiresAt) return input.expiresAt;
  if (input.expiresInDays) return addDays(now, input.expiresInDays);
  return null;
}

/**
 * Expiry of a new key: what the form asked for, else the tenant's default, else (when a
 * maximum lifetime is set) that maximum, since a key without expiry would outlive it.
 */
export function resolveNewKeyExpiry(input: ExpiryInput, policy: ExpiryPolicy, now: Date) {
  let expiresAt = requestedExpiry(input, now);
  if (expiresAt === null && policy.defaultExpiryDays !== null) {
    expiresAt = addDays(now, policy.defaultExpiryDays);
  }
  if (expiresAt === null && policy.maxLifetimeDays !== null) {
    expiresAt = addDays(now, policy.maxLifetimeDays);
  }
  assertExpiryWithinPolicy(expiresAt, now, policy);
  return expiresAt;
}
