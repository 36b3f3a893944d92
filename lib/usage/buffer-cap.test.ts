import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  discardBufferedUsageForTesting,
  limitUsageBufferForTesting,
  pauseFlushTimerForTesting,
  recordUsage,
  usageBufferStats,
} from "./buffer";
import { usageEvent } from "./test-support";

// While the database is down nothing leaves the buffer; its cap keeps memory bounded.

const event = (time: number) => usageEvent({ tenantId: "t", keyId: "k", time });

describe("usage buffer cap", () => {
  beforeEach(() => {
    pauseFlushTimerForTesting(true);
    discardBufferedUsageForTesting();
  });
  afterEach(() => {
    limitUsageBufferForTesting(undefined);
    discardBufferedUsageForTesting();
    pauseFlushTimerForTesting(false);
  });

  it("never holds more than the cap and counts every event it drops", () => {
    limitUsageBufferForTesting(1_000);
    const { dropped: before } = usageBufferStats();
    for (let i = 0; i < 5_000; i++) {
      recordUsage(event(i));
      expect(usageBufferStats().pending).toBeLessThanOrEqual(1_000);
    }
    const { pending, dropped } = usageBufferStats();
    expect(pending + (dropped - before)).toBe(5_000);
    expect(pending).toBeGreaterThanOrEqual(990);
  });

  it("drops a hundredth of the cap at once, so a full buffer is not shifted on every call", () => {
    limitUsageBufferForTesting(1_000);
    const { dropped: before } = usageBufferStats();
    for (let i = 0; i < 1_000; i++) recordUsage(event(i));
    expect(usageBufferStats().dropped).toBe(before);
    recordUsage(event(1_000));
    // 11 dropped: the one over the cap and 10 more, which leaves room for the next 10.
    expect(usageBufferStats()).toMatchObject({ pending: 990, dropped: before + 11 });
    for (let i = 1_001; i <= 1_010; i++) recordUsage(event(i));
    expect(usageBufferStats()).toMatchObject({ pending: 1_000, dropped: before + 11 });
  });
});
