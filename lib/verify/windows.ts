/**
 * Window arithmetic for rate limits and budgets. Everything is epoch
 * milliseconds in UTC: epoch time has no time zones and no leap seconds, so a
 * minute/hour/day window is a plain integer division. Every instance computes
 * the same boundaries, which keeps shared counters (Redis keys, PostgreSQL
 * rows) aligned without coordination.
 */

export const RATE_LIMIT_WINDOWS = ["minute", "hour", "day"] as const;
export type RateLimitWindow = (typeof RATE_LIMIT_WINDOWS)[number];

export const WINDOW_MS: Readonly<Record<RateLimitWindow, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

export function isRateLimitWindow(value: string): value is RateLimitWindow {
  return (RATE_LIMIT_WINDOWS as readonly string[]).includes(value);
}

function toMs(time: Date | number): number {
  const ms = typeof time === "number" ? time : time.getTime();
  // An invalid Date or NaN would silently put every call in window "NaN";
  // failing loudly is safer than a limit that never resets or never applies.
  if (!Number.isFinite(ms)) throw new RangeError("Expected a finite time");
  return ms;
}

/** Start of the UTC-aligned window that contains `now` (inclusive). */
export function windowStart(now: number, window: RateLimitWindow): number {
  const size = WINDOW_MS[window];
  const ms = toMs(now);
  return ms - (((ms % size) + size) % size); // correct for times before 1970 too
}

/** When the window containing `now` ends and the next one begins (exclusive end). */
export function windowResetAt(now: number, window: RateLimitWindow): number {
  return windowStart(now, window) + WINDOW_MS[window];
}

/** 00:00:00.000 UTC on the first day of the month that contains `date`. */
export function monthStartUtc(date: Date | number): number {
  const d = new Date(toMs(date));
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** 00:00:00.000 UTC on the first day of the following month (a MONTHLY budget's reset). */
export function nextMonthStartUtc(date: Date | number): number {
  const d = new Date(toMs(date));
  // Date.UTC rolls month 12 over into January of the next year.
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
