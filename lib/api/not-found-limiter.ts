import { windowResetAt, windowStart } from "@/lib/verify/windows";

/**
 * Caps NOT_FOUND answers per root key and per caller IP (default 100 a minute each).
 * Once a caller is over the cap, every verification from it is refused with 429 for the
 * rest of the minute, not only the unknown keys: refusing just the NOT_FOUND answers
 * would tell a brute-forcer which of its guesses exist (200 vs 429). Counted in this
 * process; with N instances a caller gets at most N times the cap, which still keeps
 * guessing ~2^214 key space hopeless and the database load bounded.
 */
export const NOT_FOUND_LIMIT_PER_MINUTE = 100;

type Slot = { start: number; count: number };
const scope = globalThis as { __keyplaneNotFoundSlots?: Map<string, Slot> };
scope.__keyplaneNotFoundSlots ??= new Map();
const slots = scope.__keyplaneNotFoundSlots;

function slot(id: string, now: number): Slot {
  const start = windowStart(now, "minute");
  let s = slots.get(id);
  if (!s || s.start !== start) {
    // Drop ended windows now and then so the map cannot grow without bound.
    if (slots.size > 100_000) {
      for (const [k, v] of slots) if (v.start !== start) slots.delete(k);
    }
    s = { start, count: 0 };
    slots.set(id, s);
  }
  return s;
}

/** Seconds until the caller may verify again, or 0 when it is under the cap. */
export function notFoundRetryAfter(rootKeyId: string, ip: string, now = Date.now()): number {
  const blocked =
    slot(`rk:${rootKeyId}`, now).count >= NOT_FOUND_LIMIT_PER_MINUTE ||
    slot(`ip:${ip}`, now).count >= NOT_FOUND_LIMIT_PER_MINUTE;
  return blocked ? Math.max(1, Math.ceil((windowResetAt(now, "minute") - now) / 1000)) : 0;
}

export function countNotFound(rootKeyId: string, ip: string, now = Date.now()): void {
  slot(`rk:${rootKeyId}`, now).count++;
  slot(`ip:${ip}`, now).count++;
}

export function resetNotFoundLimiter(): void {
  slots.clear();
}
