import { describe, expect, it } from "vitest";
import {
  isRateLimitWindow,
  monthStartUtc,
  nextMonthStartUtc,
  WINDOW_MS,
  windowResetAt,
  windowStart,
} from "./windows";

const at = (iso: string) => Date.parse(iso);

describe("windowStart / windowResetAt", () => {
  const now = at("2025-03-14T15:09:26.535Z");

  it("aligns minute, hour and day windows to UTC", () => {
    expect(windowStart(now, "minute")).toBe(at("2025-03-14T15:09:00.000Z"));
    expect(windowStart(now, "hour")).toBe(at("2025-03-14T15:00:00.000Z"));
    expect(windowStart(now, "day")).toBe(at("2025-03-14T00:00:00.000Z"));
    expect(windowResetAt(now, "minute")).toBe(at("2025-03-14T15:10:00.000Z"));
    expect(windowResetAt(now, "hour")).toBe(at("2025-03-14T16:00:00.000Z"));
    expect(windowResetAt(now, "day")).toBe(at("2025-03-15T00:00:00.000Z"));
  });

  it("puts a boundary instant in the window it starts", () => {
    const boundary = at("2025-03-14T15:10:00.000Z");
    expect(windowStart(boundary, "minute")).toBe(boundary);
    expect(windowResetAt(boundary, "minute")).toBe(boundary + 60_000);
    expect(windowStart(boundary - 1, "minute")).toBe(boundary - 60_000);
    expect(windowResetAt(boundary - 1, "minute")).toBe(boundary);
  });

  it("rolls the day over at midnight UTC, across month and year ends", () => {
    const lastMs = at("2024-12-31T23:59:59.999Z");
    expect(windowStart(lastMs, "day")).toBe(at("2024-12-31T00:00:00.000Z"));
    expect(windowResetAt(lastMs, "day")).toBe(at("2025-01-01T00:00:00.000Z"));
    expect(windowStart(lastMs + 1, "day")).toBe(at("2025-01-01T00:00:00.000Z"));
  });

  it("works before the epoch", () => {
    const t = at("1969-12-31T23:59:30.000Z");
    expect(windowStart(t, "minute")).toBe(at("1969-12-31T23:59:00.000Z"));
    expect(windowStart(t, "day")).toBe(at("1969-12-31T00:00:00.000Z"));
  });

  it("always satisfies start <= now < reset, reset - start = window", () => {
    for (let i = 0; i < 1000; i++) {
      const t = Math.floor(Math.random() * 4e12);
      for (const w of ["minute", "hour", "day"] as const) {
        const start = windowStart(t, w);
        expect(start).toBeLessThanOrEqual(t);
        expect(windowResetAt(t, w)).toBeGreaterThan(t);
        expect(windowResetAt(t, w) - start).toBe(WINDOW_MS[w]);
        expect(start % WINDOW_MS[w]).toBe(0);
      }
    }
  });

  it("throws on non-finite input instead of returning NaN", () => {
    expect(() => windowStart(Number.NaN, "minute")).toThrow(RangeError);
    expect(() => windowResetAt(Number.POSITIVE_INFINITY, "hour")).toThrow(RangeError);
  });
});

describe("month boundaries", () => {
  it("finds the month start and the next month start in UTC", () => {
    const t = new Date("2025-03-14T15:09:26.535Z");
    expect(monthStartUtc(t)).toBe(at("2025-03-01T00:00:00.000Z"));
    expect(nextMonthStartUtc(t)).toBe(at("2025-04-01T00:00:00.000Z"));
    expect(monthStartUtc(t.getTime())).toBe(at("2025-03-01T00:00:00.000Z"));
  });

  it("handles December, leap February and exact boundaries", () => {
    expect(nextMonthStartUtc(at("2024-12-31T23:59:59.999Z"))).toBe(at("2025-01-01T00:00:00.000Z"));
    expect(monthStartUtc(at("2024-12-31T23:59:59.999Z"))).toBe(at("2024-12-01T00:00:00.000Z"));
    expect(nextMonthStartUtc(at("2024-02-29T12:00:00.000Z"))).toBe(at("2024-03-01T00:00:00.000Z"));
    expect(nextMonthStartUtc(at("2024-01-31T12:00:00.000Z"))).toBe(at("2024-02-01T00:00:00.000Z"));
    const boundary = at("2025-04-01T00:00:00.000Z");
    expect(monthStartUtc(boundary)).toBe(boundary);
    expect(monthStartUtc(boundary - 1)).toBe(at("2025-03-01T00:00:00.000Z"));
  });

  it("uses UTC, not the local time zone", () => {
    // 23:30 UTC on 31 March is already April in UTC+1 and later; UTC must say March.
    expect(monthStartUtc(at("2025-03-31T23:30:00.000Z"))).toBe(at("2025-03-01T00:00:00.000Z"));
    // 00:30 UTC on 1 April is still March west of UTC; UTC must say April.
    expect(monthStartUtc(at("2025-04-01T00:30:00.000Z"))).toBe(at("2025-04-01T00:00:00.000Z"));
  });

  it("throws on an invalid date", () => {
    expect(() => monthStartUtc(new Date("nope"))).toThrow(RangeError);
    expect(() => nextMonthStartUtc(Number.NaN)).toThrow(RangeError);
  });
});

describe("isRateLimitWindow", () => {
  it("accepts only the three windows", () => {
    expect(isRateLimitWindow("minute")).toBe(true);
    expect(isRateLimitWindow("day")).toBe(true);
    expect(isRateLimitWindow("week")).toBe(false);
    expect(isRateLimitWindow("Minute")).toBe(false);
  });
});
