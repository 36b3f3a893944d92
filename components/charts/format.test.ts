import { describe, expect, it } from "vitest";
import {
  bucketZone,
  describeZone,
  formatBucket,
  formatCents,
  formatCentsCompact,
  formatTick,
} from "./format";

const HOUR = 3_600_000;
const DAY = 86_400_000;

describe("chart time formatting", () => {
  it("shows minute and hour buckets in the viewer's zone", () => {
    // 13:00 UTC is 08:00 in New York in November (EST, UTC−5) and 14:00 in Berlin.
    const iso = "2026-11-20T13:00:00.000Z";
    expect(formatBucket(iso, "hour", HOUR, "America/New_York")).toBe("Fri, Nov 20, 08:00–09:00");
    expect(formatBucket(iso, "hour", HOUR, "Europe/Berlin")).toBe("Fri, Nov 20, 14:00–15:00");
    expect(formatBucket(iso, "minute", 15 * 60_000, "UTC")).toBe("Fri, Nov 20, 13:00–13:15");
    expect(formatTick(iso, "hour", "Europe/Berlin", false)).toBe("14:00");
    expect(formatTick(iso, "hour", "Europe/Berlin", true)).toBe("Nov 20, 14:00");
  });

  it("keeps day buckets on their UTC date, whatever the viewer's zone", () => {
    const day = "2026-11-20T00:00:00.000Z";
    expect(bucketZone("day", "America/New_York")).toBe("UTC");
    expect(bucketZone("hour", "America/New_York")).toBe("America/New_York");
    expect(formatBucket(day, "day", DAY, "America/New_York")).toBe("Fri, Nov 20");
    expect(formatTick(day, "day", "America/New_York", true)).toBe("Nov 20");
    expect(formatBucket(day, "day", 2 * DAY, "UTC")).toBe("Fri, Nov 20 – Nov 21");
  });

  it("names the zone with its offset", () => {
    expect(describeZone("UTC")).toBe("UTC");
    expect(describeZone("Asia/Kolkata")).toBe("Asia/Kolkata (GMT+5:30)");
  });
});

describe("money", () => {
  it("formats cents as dollars, compactly on axes", () => {
    expect(formatCents(123_456)).toBe("$1,234.56");
    expect(formatCentsCompact(280)).toBe("$2.80");
    expect(formatCentsCompact(300)).toBe("$3");
    expect(formatCentsCompact(4_500)).toBe("$45");
    expect(formatCentsCompact(250_000)).toBe("$2.5K");
  });
});
