import type { UsageRange } from "@/lib/usage/analytics-types";

/** The charts a CSV can be exported for, as the export route names them. */
export const EXPORT_CHARTS = [
  "requests",
  "denials",
  "cost",
  "budget",
  "top-requests",
  "top-cost",
  "top-denials",
] as const;

export type ExportChart = (typeof EXPORT_CHARTS)[number];

/**
 * The query that reproduces a range: the preset, or the resolved from/to of a custom
 * range. A fallback range (one with a notice) is written as what is shown, so a link
 * built from it never carries the invalid input along.
 */
export function rangeQuery(range: UsageRange): URLSearchParams {
  return range.preset === "custom"
    ? new URLSearchParams({ from: range.from, to: range.to })
    : new URLSearchParams({ range: range.preset });
}

export function exportHref(
  tenant: string,
  chart: ExportChart,
  range: UsageRange,
  keyId?: string,
): string {
  const query = new URLSearchParams({ chart });
  for (const [name, value] of rangeQuery(range)) query.set(name, value);
  if (keyId) query.set("key", keyId);
  return `/t/${encodeURIComponent(tenant)}/usage/export?${query}`;
}
