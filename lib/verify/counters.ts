import { type RateLimitWindow, windowResetAt, windowStart } from "./windows";

/**
 * Rate-limit counters. `consume` checks every window of a key and counts the call in all
 * of them or in none, atomically: two concurrent calls can never both take the last slot.
 * `refund` gives a consumed call back (used when a later check, the budget, denies it).
 */
export type WindowLimit = { window: RateLimitWindow; limit: number };
export type WindowState = {
  window: RateLimitWindow;
  limit: number;
  remaining: number;
  resetAt: Date;
};
export type ConsumeResult = { allowed: boolean; windows: WindowState[] };

export interface Counters {
  consume(keyId: string, limits: readonly WindowLimit[], now: number): Promise<ConsumeResult>;
  refund(keyId: string, limits: readonly WindowLimit[], now: number): Promise<void>;
}

type Slot = { start: number; count: number };

/** Above this many slots, stale ones (from ended windows) are swept on the next call. */
const SWEEP_THRESHOLD = 50_000;

/**
 * Exact for one process: check and consume run synchronously, and JavaScript runs one
 * callback at a time, so no other call can interleave between the check and the count.
 * A slot is keyed by key and window and reset when the window rolls over; nothing is
 * evicted while its window is live (evicting a live counter would reset a limit).
 */
export class MemoryCounters implements Counters {
  private readonly slots = new Map<string, Slot>();

  consume(keyId: string, limits: readonly WindowLimit[], now: number): Promise<ConsumeResult> {
    return Promise.resolve(this.consumeSync(keyId, limits, now));
  }

  consumeSync(keyId: string, limits: readonly WindowLimit[], now: number): ConsumeResult {
    if (this.slots.size > SWEEP_THRESHOLD) this.sweep(now);
    const current: Slot[] = [];
    let allowed = true;
    for (const { window } of limits) {
      const slot = this.slotFor(keyId, window, now);
      current.push(slot);
      const limit = limits[current.length - 1]?.limit ?? 0;
      if (slot.count + 1 > limit) allowed = false;
    }
    if (allowed) for (const slot of current) slot.count++;
    return {
      allowed,
      windows: limits.map(({ window, limit }, i) => ({
        window,
        limit,
        remaining: Math.max(0, limit - (current[i]?.count ?? 0)),
        resetAt: new Date(windowResetAt(now, window)),
      })),
    };
  }

  refund(keyId: string, limits: readonly WindowLimit[], now: number): Promise<void> {
    for (const { window } of limits) {
      const slot = this.slots.get(`${keyId}:${window}`);
      // A refund after the window rolled over has nothing left to give back.
      if (slot && slot.start === windowStart(now, window) && slot.count > 0) slot.count--;
    }
    return Promise.resolve();
  }

  private slotFor(keyId: string, window: RateLimitWindow, now: number): Slot {
    const id = `${keyId}:${window}`;
    const start = windowStart(now, window);
    let slot = this.slots.get(id);
    if (!slot) {
      slot = { start, count: 0 };
      this.slots.set(id, slot);
    } else if (slot.start !== start) {
      slot.start = start;
      slot.count = 0;
    }
    return slot;
  }

  private sweep(now: number): void {
    for (const [id, slot] of this.slots) {
      const window = id.slice(id.lastIndexOf(":") + 1) as RateLimitWindow;
      if (slot.start !== windowStart(now, window)) this.slots.delete(id);
    }
  }
}
