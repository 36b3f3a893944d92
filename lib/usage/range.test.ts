import { describe, expect, it } from "vitest";
import { bucketStarts, chooseBuckets, parseUsageRange, type UsageRetention } from "./range";

const NOW = new Date("2030-06-15T12:34:56.789Z");
const KEEP: UsageRetention = { eventsDays: 90, minuteDays: 14, hourDays: 90, dayDays: 400 };
const parse = (input: Parameters<typeof parseUsageRange>[0], retention = KEEP) =>
  parseUsageRange(input, NOW, retention);

describe("parseUsageRange", () => {
  it("defaults to the last 7 days in hours, ending with the current hour", () => {
    const r = parse({});
    expect(r).toEqual({
      preset: "7d",
      from: "2030-06-08T13:00:00.000Z",
      to: "2030-06-15T13:00:00.000Z",
      granularity: "hour",
      bucketMs: 3_600_000,
      notice: null,
    });
    expect(bucketStarts(r)).toHaveLength(168);
  });

  it("reads each preset at the granularity that keeps it under 200 points", () => {
    const h24 = parse({ range: "24h" });
    expect([h24.granularity, h24.bucketMs, h24.from, h24.to]).toEqual([
      "minute",
      15 * 60_000,
      "2030-06-14T12:45:00.000Z",
      "2030-06-15T12:45:00.000Z",
    ]);
    expect(bucketStarts(h24)).toHaveLength(96);
    const d30 = parse({ range: "30d" });
    expect([d30.granularity, d30.from, d30.to]).toEqual([
      "day",
      "2030-05-17T00:00:00.000Z",
      "2030-06-16T00:00:00.000Z",
    ]);
    expect(bucketStarts(d30)).toHaveLength(30);
    const d90 = parse({ range: ["90d", "7d"] });
    expect([d90.preset, d90.granularity, bucketStarts(d90).length]).toEqual(["90d", "day", 90]);
  });

  it("reads custom ranges: a date-only end includes its day, a missing end means now", () => {
    const days = parse({ from: "2030-06-01", to: "2030-06-10" });
    expect([days.preset, days.granularity, days.from, days.to, days.notice]).toEqual([
      "custom",
      "day",
      "2030-06-01T00:00:00.000Z",
      "2030-06-11T00:00:00.000Z",
      null,
    ]);
    const hours = parse({ from: "2030-06-13T08:20:00Z", to: "2030-06-14T09:00:00+02:00" });
    expect([hours.granularity, hours.bucketMs, hours.from, hours.to]).toEqual([
      "minute",
      15 * 60_000,
      "2030-06-13T08:15:00.000Z",
      "2030-06-14T07:00:00.000Z",
    ]);
    const open = parse({ from: "2030-06-10" });
    expect([open.granularity, open.from, open.to]).toEqual([
      "hour",
      "2030-06-10T00:00:00.000Z",
      "2030-06-15T13:00:00.000Z",
    ]);
    // An end in the future is cut at now.
    const future = parse({ from: "2030-06-15T12:00:00Z", to: "2031-01-01" });
    expect([future.granularity, future.bucketMs, future.to]).toEqual([
      "minute",
      60_000,
      "2030-06-15T12:35:00.000Z",
    ]);
  });

  it("uses a coarser rollup when the finer one no longer holds the start", () => {
    const r = parse({ from: "2030-05-20T00:00:00Z", to: "2030-05-21T00:00:00Z" });
    expect([r.granularity, r.bucketMs]).toEqual(["hour", 3_600_000]);
    const old = parse(
      { from: "2030-05-20T00:00:00Z", to: "2030-05-21T00:00:00Z" },
      { ...KEEP, hourDays: 20 },
    );
    expect([old.granularity, old.bucketMs]).toEqual(["day", 86_400_000]);
    expect(chooseBuckets(400 * 86_400_000, 400 * 86_400_000, KEEP)).toEqual({
      granularity: "day",
      bucketMs: 2 * 86_400_000,
    });
  });

  it.each([
    [{ range: "1y" }, /“1y” is not a range/],
    [{ from: "yesterday" }, /start date “yesterday” is not a valid date/],
    [{ from: "2030-02-31" }, /start date “2030-02-31” is not a valid date/],
    [{ from: "2030-06-01", to: "2030-13-01" }, /end date “2030-13-01” is not a valid date/],
    [{ from: "2030-06-10", to: "2030-06-01" }, /end of the range is not after its start/],
    [{ from: "2030-06-10T10:00:00Z", to: "2030-06-10T10:00:00Z" }, /not after its start/],
    [{ to: "2030-06-10" }, /needs a start date/],
    [{ from: "2029-01-01", to: "2029-02-01" }, /kept for 400 days/],
    [{ from: "2030-07-01" }, /starts in the future/],
  ])("falls back to 7 days with a notice for %j", (input, message) => {
    const r = parse(input);
    expect(r.preset).toBe("7d");
    expect(r.granularity).toBe("hour");
    expect(r.notice).toMatch(message);
    expect(r.notice).toMatch(/showing the last 7 days/i);
  });

  it("refuses presets and starts older than the day rollups keep", () => {
    const short = { ...KEEP, dayDays: 30, hourDays: 30 };
    expect(parse({ range: "90d" }, short).notice).toMatch(/kept for 30 days/);
    expect(parse({ range: "30d" }, short).notice).toBeNull();
    expect(parse({ from: "2030-05-01" }, short).notice).toMatch(/kept for 30 days/);
  });
});
