"use client";

import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from "recharts";
import type { DenialRow } from "@/lib/usage/analytics-types";
import { ChartFrame } from "./chart-frame";
import { formatCompact, formatCount } from "./format";
import { OUTCOME_STYLE } from "./outcomes";
import { denialsSeries } from "./series";
import { SeriesTableView } from "./table-view";
import { AXIS_TICK, CHART_FILL, GRID_STROKE, TOOLTIP_CURSOR, VALUE_AXIS } from "./time-axis";

/** Denied requests by reason, largest first, as horizontal bars. */
export function DenialsChart({
  rows,
  csvHref,
  title = "Denials by reason",
  description = "Why verifications were refused in this range.",
}: {
  rows: DenialRow[];
  csvHref?: string;
  title?: string;
  description?: string;
}) {
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  const data = rows.map((r) => ({ ...r, label: OUTCOME_STYLE[r.outcome].label }));
  const top = data[0];

  return (
    <ChartFrame
      title={title}
      description={description}
      csvHref={csvHref}
      isEmpty={total === 0}
      emptyMessage="No denials in this range."
      summary={`${formatCount(total)} denied${top ? ` · most often ${top.label.toLowerCase()} (${formatCount(top.count)})` : ""}`}
      chart={() => (
        <BarChart
          responsive
          layout="vertical"
          data={data}
          style={CHART_FILL}
          margin={{ top: 4, right: 16, bottom: 0, left: 0 }}
        >
          <CartesianGrid horizontal={false} stroke={GRID_STROKE} />
          <XAxis
            type="number"
            tickFormatter={formatCompact}
            tick={AXIS_TICK}
            allowDecimals={false}
            tickLine={false}
          />
          <YAxis {...VALUE_AXIS} type="category" dataKey="label" width={150} />
          <Tooltip formatter={(value) => formatCount(Number(value))} cursor={TOOLTIP_CURSOR} />
          <Bar dataKey="count" name="Requests" isAnimationActive={false} maxBarSize={28}>
            {data.map((row) => (
              <Cell key={row.outcome} fill={OUTCOME_STYLE[row.outcome].color} />
            ))}
          </Bar>
        </BarChart>
      )}
      table={() => <SeriesTableView caption={title} table={denialsSeries(rows)} time={null} />}
    />
  );
}
