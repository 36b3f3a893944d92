"use client";

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import {
  type RequestsPoint,
  VERIFY_OUTCOMES,
  type VerifyOutcome,
} from "@/lib/usage/analytics-types";
import { ChartFrame } from "./chart-frame";
import { formatCompact, formatCount } from "./format";
import { OUTCOME_STYLE } from "./outcomes";
import { requestsSeries } from "./series";
import { SeriesTableView } from "./table-view";
import { AXIS_TICK, type ChartRange, GRID_STROKE, useTimeAxis } from "./time-axis";

/** Requests over time, one bar per bucket stacked by outcome. */
export function RequestsChart({
  points,
  range,
  csvHref,
  title = "Requests",
  description = "Every verification, stacked by outcome.",
}: {
  points: RequestsPoint[];
  range: ChartRange;
  csvHref?: string;
  title?: string;
  description?: string;
}) {
  const { axis, tick, label } = useTimeAxis(range);
  const total = points.reduce((sum, p) => sum + p.total, 0);
  const valid = points.reduce((sum, p) => sum + p.VALID, 0);
  const denied = total - valid;
  // Only outcomes that occurred get a bar and a legend entry; Valid always does.
  const shown = VERIFY_OUTCOMES.filter((o) => o === "VALID" || points.some((p) => p[o] > 0));
  const denialShare = total > 0 ? ` (${((denied / total) * 100).toFixed(1)}%)` : "";

  return (
    <ChartFrame
      title={title}
      description={description}
      csvHref={csvHref}
      isEmpty={total === 0}
      emptyMessage="No verifications in this range."
      summary={`${formatCount(total)} requests · ${formatCount(valid)} valid · ${formatCount(denied)} denied${denialShare}`}
      chart={() => (
        <BarChart
          responsive
          data={points}
          style={{ width: "100%", height: "100%" }}
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid vertical={false} stroke={GRID_STROKE} />
          <XAxis
            dataKey="bucket"
            tickFormatter={tick}
            tick={AXIS_TICK}
            minTickGap={24}
            tickLine={false}
          />
          <YAxis
            tickFormatter={formatCompact}
            tick={AXIS_TICK}
            width={44}
            allowDecimals={false}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            labelFormatter={label}
            formatter={(value) => formatCount(Number(value))}
            cursor={{ fill: "#f4f4f5" }}
            // The tooltip lists outcomes top of the stack first, as they are drawn.
            itemSorter={(item) => -VERIFY_OUTCOMES.indexOf(item.dataKey as VerifyOutcome)}
          />
          <Legend
            itemSorter={null}
            iconType="square"
            iconSize={10}
            wrapperStyle={{ fontSize: 12 }}
          />
          {shown.map((outcome) => (
            <Bar
              key={outcome}
              dataKey={outcome}
              name={OUTCOME_STYLE[outcome].label}
              stackId="outcome"
              fill={OUTCOME_STYLE[outcome].color}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      )}
      table={() => (
        <SeriesTableView
          caption={`${title} by outcome`}
          table={requestsSeries(points, true)}
          time={axis}
        />
      )}
    />
  );
}
