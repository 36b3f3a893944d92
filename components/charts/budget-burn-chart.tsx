"use client";

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { BudgetBurn } from "@/lib/usage/analytics-types";
import { ChartFrame } from "./chart-frame";
import { formatCents, formatCentsCompact } from "./format";
import { budgetSeries } from "./series";
import { SeriesTableView } from "./table-view";
import { AXIS_TICK, type ChartRange, GRID_STROKE, useTimeAxis } from "./time-axis";

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
  description = "Budget left over the range, for keys with budgets.",
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
  const data = table.rows.map((row) =>
    Object.fromEntries(table.columns.map((column, i) => [column.id, row[i]])),
  );
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
          style={{ width: "100%", height: "100%" }}
          margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid vertical={false} stroke={GRID_STROKE} />
          <XAxis
            dataKey="bucket_start"
            tickFormatter={tick}
            tick={AXIS_TICK}
            minTickGap={24}
            tickLine={false}
          />
          <YAxis
            tickFormatter={formatCentsCompact}
            tick={AXIS_TICK}
            width={52}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip labelFormatter={label} formatter={(value) => formatCents(Number(value))} />
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
