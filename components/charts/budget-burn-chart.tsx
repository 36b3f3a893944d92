"use client";

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { BudgetBurn } from "@/lib/usage/analytics-types";
import { ChartFrame } from "./chart-frame";
import { formatCents } from "./format";
import { budgetSeries } from "./series";
import { SeriesTableView } from "./table-view";
import {
  CHART_FILL,
  type ChartRange,
  GRID_STROKE,
  TIME_X_AXIS,
  useTimeAxis,
  VALUE_AXIS,
} from "./time-axis";

// Keys are not outcomes, so they take colours from a separate qualitative palette.
const KEY_COLORS = [
  "#2563eb",
  "#ea580c",
  "#16a34a",
  "#9333ea",
  "#0891b2",
  "#ca8a04",
  "#db2777",
  "#4b5563",
  "#65a30d",
  "#b91c1c",
];

/** Budget left after each bucket, one line per key (most burnt first). */
export function BudgetBurnChart({
  burns,
  range,
  csvHref,
  title = "Budget burn",
  description = "Share of each budget left over the range.",
  emptyMessage = "No key has a budget.",
}: {
  burns: BudgetBurn[];
  range: ChartRange;
  csvHref?: string;
  title?: string;
  description?: string;
  emptyMessage?: string;
}) {
  const { axis, tick, label } = useTimeAxis(range);
  const table = budgetSeries(burns);
  // Budgets differ by orders of magnitude, so the lines plot the share of each key's
  // budget left (0–100 %); the tooltip and the table give the amounts in dollars.
  const data = table.rows.map((row) => {
    const point: Record<string, string | number> = { bucket: String(row[0]) };
    burns.forEach((burn, i) => {
      const left = Number(row[i + 1] ?? 0);
      point[burn.keyId] = burn.budgetCents > 0 ? (left / burn.budgetCents) * 100 : 0;
      point[`${burn.keyId}:cents`] = left;
    });
    return point;
  });
  const first = burns[0];
  const summary = first
    ? `${first.name}: ${formatCents(first.spentCents)} of ${formatCents(first.budgetCents)} spent${first.period === "MONTHLY" ? " this month" : " in total"}${burns.length > 1 ? ` · ${burns.length} keys` : ""}`
    : undefined;

  return (
    <ChartFrame
      title={title}
      description={description}
      csvHref={csvHref}
      isEmpty={burns.length === 0}
      emptyMessage={emptyMessage}
      summary={summary}
      chart={() => (
        <LineChart
          responsive
          data={data}
          style={CHART_FILL}
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid vertical={false} stroke={GRID_STROKE} />
          <XAxis {...TIME_X_AXIS} tickFormatter={tick} />
          <YAxis
            {...VALUE_AXIS}
            domain={[0, 100]}
            ticks={[0, 25, 50, 75, 100]}
            tickFormatter={(value) => `${value}%`}
            width={44}
          />
          <Tooltip
            labelFormatter={label}
            formatter={(value, _name, item) => {
              const cents = Number(item.payload?.[`${String(item.dataKey)}:cents`] ?? 0);
              return `${formatCents(cents)} left (${Math.round(Number(value))}%)`;
            }}
          />
          <Legend itemSorter={null} iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
          {burns.map((burn, i) => (
            <Line
              key={burn.keyId}
              dataKey={burn.keyId}
              name={burn.name}
              stroke={KEY_COLORS[i % KEY_COLORS.length]}
              strokeWidth={2}
              dot={false}
              type="stepAfter"
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      )}
      table={() => (
        <SeriesTableView
          caption={`${title}: budget left`}
          table={table}
          time={axis}
          totals={false}
        />
      )}
    />
  );
}
