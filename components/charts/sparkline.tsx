import { formatCount } from "./format";

/**
 * A 7-day trend small enough for a table cell. Plain SVG rather than recharts: a keys
 * page draws up to a hundred of these, needs no axes or tooltips, and renders on the
 * server with no layout shift. The numbers are in the accessible name.
 */
export function Sparkline({
  values,
  label = "Requests per day, last 7 days",
  width = 80,
  height = 20,
}: {
  values: number[];
  label?: string;
  width?: number;
  height?: number;
}) {
  const total = values.reduce((sum, v) => sum + v, 0);
  const name = `${label}: ${values.map(formatCount).join(", ")} (${formatCount(total)} in all)`;
  if (values.length === 0) return <span className="text-zinc-400">—</span>;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
  const points = values
    .map(
      (v, i) =>
        `${(1 + i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`,
    )
    .join(" ");
  return (
    <span className="inline-flex items-center gap-2" title={name}>
      <svg
        role="img"
        aria-label={name}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        className="shrink-0 overflow-visible"
      >
        <polyline
          points={points}
          fill="none"
          stroke={total === 0 ? "#d4d4d8" : "#18181b"}
          strokeWidth={1.5}
          strokeLinejoin="round"
          strokeLinecap="round"
        />
      </svg>
      <span className="w-10 text-right text-xs tabular-nums text-zinc-600" aria-hidden>
        {formatCount(total)}
      </span>
    </span>
  );
}
