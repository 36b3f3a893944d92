"use client";

import type { Granularity } from "@/lib/usage/analytics-types";
import { describeZone, formatBucket, formatCents, formatCount } from "./format";
import { outcomeLabel } from "./outcomes";
import type { SeriesColumn, SeriesTable } from "./series";

export type TimeAxis = { granularity: Granularity; bucketMs: number; timeZone: string };

function cellText(column: SeriesColumn, value: string | number, time: TimeAxis | null): string {
  switch (column.kind) {
    case "time":
      return time
        ? formatBucket(String(value), time.granularity, time.bucketMs, time.timeZone)
        : String(value);
    case "count":
      return formatCount(Number(value));
    case "cents":
      return formatCents(Number(value));
    case "outcome":
      return outcomeLabel(String(value));
    default:
      return String(value);
  }
}

/**
 * The accessible alternative to a chart: the same numbers in a real table with a caption
 * and column headers. The first column heads each row. Time series list the newest bucket
 * first (where a person looks), and a footer sums the columns unless they are levels
 * rather than amounts (budget left).
 */
export function SeriesTableView({
  caption,
  table,
  time,
  totals = true,
}: {
  caption: string;
  table: SeriesTable;
  time: TimeAxis | null;
  totals?: boolean;
}) {
  const rows = time ? [...table.rows].reverse() : table.rows;
  const sums = table.columns.map((column, i) =>
    column.kind === "count" || column.kind === "cents"
      ? table.rows.reduce((sum, row) => sum + Number(row[i] ?? 0), 0)
      : null,
  );
  const zone = time ? (time.granularity === "day" ? "UTC" : describeZone(time.timeZone)) : null;
  return (
    <table className="min-w-full text-sm tabular-nums">
      <caption className="sr-only">
        {caption}
        {zone ? `, times in ${zone}` : ""}
      </caption>
      <thead className="sticky top-0 bg-zinc-50 text-left text-xs text-zinc-500">
        <tr>
          {table.columns.map((column) => (
            <th
              key={column.id}
              scope="col"
              className={`whitespace-nowrap px-3 py-2 font-medium ${column.kind === "count" || column.kind === "cents" ? "text-right" : ""}`}
            >
              {column.kind === "time" && zone ? `${column.label} (${zone})` : column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((row) => (
          <tr key={String(row[0])}>
            {table.columns.map((column, i) => {
              const text = cellText(column, row[i] ?? "", time);
              const numeric = column.kind === "count" || column.kind === "cents";
              return i === 0 ? (
                <th
                  key={column.id}
                  scope="row"
                  className="whitespace-nowrap px-3 py-1.5 text-left font-normal text-zinc-700"
                >
                  {text}
                </th>
              ) : (
                <td
                  key={column.id}
                  className={`whitespace-nowrap px-3 py-1.5 ${numeric ? "text-right" : ""}`}
                >
                  {text}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
      {totals && rows.length > 1 ? (
        <tfoot className="sticky bottom-0 border-t border-zinc-200 bg-zinc-50 font-medium">
          <tr>
            {table.columns.map((column, i) => {
              const sum = sums[i];
              return i === 0 ? (
                <th key={column.id} scope="row" className="px-3 py-1.5 text-left">
                  Total
                </th>
              ) : (
                <td key={column.id} className="whitespace-nowrap px-3 py-1.5 text-right">
                  {sum === null || sum === undefined ? "" : cellText(column, sum, time)}
                </td>
              );
            })}
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}
