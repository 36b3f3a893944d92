"use client";

import Link from "next/link";
import type { TopKey, TopKeyMetric } from "@/lib/usage/analytics-types";
import { ChartFrame } from "./chart-frame";
import { formatCents, formatCount } from "./format";

const METRIC: Record<
  TopKeyMetric,
  { label: string; value: (k: TopKey) => number; text: (n: number) => string; color: string }
> = {
  requests: {
    label: "Requests",
    value: (k) => k.requests,
    text: formatCount,
    color: "bg-zinc-800",
  },
  cost: { label: "Cost", value: (k) => k.costCents, text: formatCents, color: "bg-blue-600" },
  denials: { label: "Denials", value: (k) => k.denials, text: formatCount, color: "bg-red-500" },
};

/**
 * The keys with the most requests, cost or denials in the range, each linking to its
 * page. The "chart" is a ranked list with proportional bars; the table adds the other
 * two metrics.
 */
export function TopKeys({
  keys,
  metric,
  keyHref,
  csvHref,
  title,
  description,
}: {
  keys: TopKey[];
  metric: TopKeyMetric;
  /** The link of a key's page, built by the page from the tenant slug. */
  keyHref: string;
  csvHref?: string;
  title: string;
  description?: string;
}) {
  const m = METRIC[metric];
  const ranked = keys.filter((k) => m.value(k) > 0);
  const max = Math.max(1, ...ranked.map(m.value));
  const href = (k: TopKey) => `${keyHref}/${encodeURIComponent(k.keyId)}`;

  return (
    <ChartFrame
      title={title}
      description={description}
      csvHref={csvHref}
      isEmpty={ranked.length === 0}
      emptyMessage={metric === "denials" ? "No denials in this range." : "No usage in this range."}
      summary={`Top ${ranked.length} ${ranked.length === 1 ? "key" : "keys"} by ${m.label.toLowerCase()}`}
      chart={() => (
        <ol className="h-full space-y-1.5 overflow-y-auto pr-1">
          {ranked.map((k) => (
            <li key={k.keyId} className="text-sm">
              <div className="flex items-baseline justify-between gap-3">
                <Link
                  href={href(k)}
                  className="min-w-0 truncate font-medium text-zinc-900 hover:underline"
                >
                  {k.name}
                </Link>
                <span className="shrink-0 tabular-nums text-zinc-700">{m.text(m.value(k))}</span>
              </div>
              <div className="mt-0.5 h-1.5 rounded-full bg-zinc-100" aria-hidden>
                <div
                  className={`h-1.5 rounded-full ${m.color}`}
                  style={{ width: `${(m.value(k) / max) * 100}%` }}
                />
              </div>
            </li>
          ))}
        </ol>
      )}
      table={() => (
        <table className="min-w-full text-sm tabular-nums">
          <caption className="sr-only">{title}</caption>
          <thead className="sticky top-0 bg-zinc-50 text-left text-xs text-zinc-500">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Key
              </th>
              {(Object.keys(METRIC) as TopKeyMetric[]).map((id) => (
                <th key={id} scope="col" className="px-3 py-2 text-right font-medium">
                  {METRIC[id].label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {ranked.map((k) => (
              <tr key={k.keyId}>
                <th scope="row" className="px-3 py-1.5 text-left font-normal">
                  <Link href={href(k)} className="hover:underline">
                    {k.name}
                  </Link>{" "}
                  <code className="font-mono text-xs text-zinc-500">{k.display}</code>
                </th>
                {(Object.keys(METRIC) as TopKeyMetric[]).map((id) => (
                  <td key={id} className="px-3 py-1.5 text-right">
                    {METRIC[id].text(METRIC[id].value(k))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    />
  );
}
