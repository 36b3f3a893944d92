"use client";

import type { UsageRange } from "@/lib/usage/analytics-types";
import { bucketZone, formatBucket, formatTick } from "./format";
import type { TimeAxis } from "./table-view";
import { useTimeZone } from "./use-time-zone";

export type ChartRange = Pick<UsageRange, "from" | "to" | "granularity" | "bucketMs">;

/** Tick and tooltip formatters for a range's buckets, in the viewer's zone. */
export function useTimeAxis(range: ChartRange) {
  const viewer = useTimeZone();
  const timeZone = bucketZone(range.granularity, viewer);
  const spansDays = Date.parse(range.to) - Date.parse(range.from) > 86_400_000;
  const axis: TimeAxis = { granularity: range.granularity, bucketMs: range.bucketMs, timeZone };
  return {
    axis,
    tick: (iso: string) => formatTick(String(iso), range.granularity, timeZone, spansDays),
    label: (iso: unknown) => formatBucket(String(iso), range.granularity, range.bucketMs, timeZone),
  };
}

/** Shared look of axes and grid so every chart reads the same. */
export const AXIS_TICK = { fontSize: 11, fill: "#71717a" } as const;
export const GRID_STROKE = "#f4f4f5";
