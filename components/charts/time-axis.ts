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
/** A chart fills its frame (the frame sets the height). */
export const CHART_FILL = { width: "100%", height: "100%" } as const;
/** The bucket axis of the charts over time; each chart adds its tick formatter. */
export const TIME_X_AXIS = {
  dataKey: "bucket",
  tick: AXIS_TICK,
  minTickGap: 24,
  tickLine: false,
} as const;
/** A value axis: ticks only, no tick marks or axis line. */
export const VALUE_AXIS = { tick: AXIS_TICK, tickLine: false, axisLine: false } as const;
/** The band a tooltip highlights under the pointer. */
export const TOOLTIP_CURSOR = { fill: GRID_STROKE } as const;
