"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from "recharts";
import type { CostPoint } from "@/lib/usage/analytics-types";
import { ChartFrame } from "./chart-frame";
import { formatCents, formatCentsCompact, formatCompact, formatCount } from "./format";
import { costSeries } from "./series";
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

const COST_COLOR = "#2563eb";
const TOKENS_COLOR = "#ea580c";

/** Cost (bars, left axis, dollars) and tokens (line, right axis) per bucket. */
export function CostChart({
  points,
  range,
  csvHref,
  title = "Cost and tokens",
  description = "Reported cost and tokens per bucket.",
}: {
  points: CostPoint[];
  range: ChartRange;
  csvHref?: string;
  title?: string;
  description?: string;
}) {
  const { axis, tick, label } = useTimeAxis(range);
  const cost = points.reduce((sum, p) => sum + p.costCents, 0);
  const tokens = points.reduce((sum, p) => sum + p.tokens, 0);

  return (
    <ChartFrame
      title={title}
      description={description}
      csvHref={csvHref}
      isEmpty={cost === 0 && tokens === 0}
      emptyMessage="No cost or tokens in this range."
      summary={`${formatCents(cost)} · ${formatCount(tokens)} tokens`}
      chart={() => (
        <ComposedChart
          responsive
          data={points}
          style={CHART_FILL}
          margin={{ top: 4, right: 0, bottom: 0, left: 0 }}
        >
          <CartesianGrid vertical={false} stroke={GRID_STROKE} />
          <XAxis {...TIME_X_AXIS} tickFormatter={tick} />
          <YAxis
            {...VALUE_AXIS}
            yAxisId="cost"
            hide={cost === 0}
            tickFormatter={formatCentsCompact}
            width={52}
          />
          <YAxis
            {...VALUE_AXIS}
            yAxisId="tokens"
            hide={tokens === 0}
            orientation="right"
            tickFormatter={formatCompact}
            width={44}
            allowDecimals={false}
          />
          <Tooltip
            labelFormatter={label}
            formatter={(value, name) =>
              name === "Cost" ? formatCents(Number(value)) : formatCount(Number(value))
            }
            cursor={TOOLTIP_CURSOR}
          />
          <Legend
            itemSorter={null}
            iconType="square"
            iconSize={10}
            wrapperStyle={{ fontSize: 12 }}
          />
          {/* A series that is zero all along is left out rather than drawn flat. */}
          {cost > 0 ? (
            <Bar
              yAxisId="cost"
              dataKey="costCents"
              name="Cost"
              fill={COST_COLOR}
              isAnimationActive={false}
            />
          ) : null}
          {tokens > 0 ? (
            <Line
              yAxisId="tokens"
              dataKey="tokens"
              name="Tokens"
              stroke={TOKENS_COLOR}
              strokeWidth={2}
              dot={false}
              type="monotone"
              isAnimationActive={false}
            />
          ) : null}
        </ComposedChart>
      )}
      table={() => <SeriesTableView caption={title} table={costSeries(points)} time={axis} />}
    />
  );
}
