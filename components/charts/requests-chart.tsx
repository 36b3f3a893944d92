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
import {
  CHART_FILL,
  type ChartRange,
  GRID_STROKE,
  TIME_X_AXIS,
  TOOLTIP_CURSOR,
  useTimeAxis,
  VALUE_AXIS,
} from "./time-axis";

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
          style={CHART_FILL}
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid vertical={false} stroke={GRID_STROKE} />
          <XAxis {...TIME_X_AXIS} tickFormatter={tick} />
          <YAxis {...VALUE_AXIS} tickFormatter={formatCompact} width={44} allowDecimals={false} />
          <Tooltip
            labelFormatter={label}
            formatter={(value) => formatCount(Number(value))}
            cursor={TOOLTIP_CURSOR}
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
