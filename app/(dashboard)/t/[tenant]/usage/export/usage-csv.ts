import "server-only";
import { z } from "zod";
import {
  budgetSeriesLong,
  costSeries,
  denialsSeries,
  requestsSeries,
  type SeriesTable,
  topKeysSeries,
} from "@/components/charts/series";
import type { TenantContext } from "@/lib/auth/context";
import { toCsv } from "@/lib/csv";
import {
  budgetBurn,
  costAndTokens,
  denialsByReason,
  parseUsageRange,
  requestsOverTime,
  topKeys,
} from "@/lib/usage/analytics";
import type { UsageRange } from "@/lib/usage/analytics-types";
import { recordId } from "@/lib/validation/text";
import { EXPORT_CHARTS, type ExportChart } from "../_components/usage-links";

export type CsvExport =
  | { ok: true; filename: string; body: string }
  | { ok: false; status: 400 | 404; message: string };

const exportQuery = z.object({
  chart: z.enum(EXPORT_CHARTS, {
    error: `chart must be one of ${EXPORT_CHARTS.join(", ")}.`,
  }),
  key: recordId("Use the id of a key.").optional(),
});

/** The series a chart shows, from the same DAL call the chart makes; null for a foreign key. */
async function loadSeries(
  ctx: TenantContext,
  chart: ExportChart,
  range: UsageRange,
  keyId: string | undefined,
): Promise<SeriesTable | null> {
  switch (chart) {
    case "requests": {
      const points = await requestsOverTime(ctx, range, keyId);
      return points && requestsSeries(points);
    }
    case "denials": {
      const rows = await denialsByReason(ctx, range, keyId);
      return rows && denialsSeries(rows);
    }
    case "cost": {
      const points = await costAndTokens(ctx, range, keyId);
      return points && costSeries(points);
    }
    case "budget": {
      const burns = await budgetBurn(ctx, range, keyId);
      return burns && budgetSeriesLong(burns);
    }
    case "top-requests":
      return topKeysSeries(await topKeys(ctx, range, "requests", 10));
    case "top-cost":
      return topKeysSeries(await topKeys(ctx, range, "cost", 10));
    case "top-denials":
      return topKeysSeries(await topKeys(ctx, range, "denials", 10));
  }
}

function rangeLabel(range: UsageRange): string {
  if (range.preset !== "custom") return range.preset;
  const stamp = (iso: string) => iso.slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return `${stamp(range.from)}_${stamp(range.to)}`;
}

/**
 * A chart's numbers as CSV for the range in `params`: header row of column ids, one
 * record per row, times as ISO UTC, money in integer cents. The range is parsed exactly
 * as the page parses it, but an invalid one is refused (400) rather than silently
 * replaced, since a file does not show the page's notice.
 */
export async function exportUsageCsv(
  ctx: TenantContext,
  params: URLSearchParams,
  now: Date = new Date(),
): Promise<CsvExport> {
  const parsed = exportQuery.safeParse({
    chart: params.get("chart") ?? undefined,
    key: params.get("key") ?? undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "chart");
    return { ok: false, status: 400, message: `${field}: ${issue?.message ?? "invalid"}` };
  }
  const { chart, key } = parsed.data;
  const range = parseUsageRange(
    {
      range: params.get("range") ?? undefined,
      from: params.get("from") ?? undefined,
      to: params.get("to") ?? undefined,
    },
    now,
  );
  if (range.notice) return { ok: false, status: 400, message: `range: ${range.notice}` };
  const keyId = chart.startsWith("top-") ? undefined : key;
  const series = await loadSeries(ctx, chart, range, keyId);
  if (!series) return { ok: false, status: 404, message: "key: no such key in this tenant." };
  const suffix = keyId ? `-key-${keyId.replace(/[^A-Za-z0-9_-]/g, "")}` : "";
  return {
    ok: true,
    filename: `usage-${ctx.tenantSlug}-${chart}-${rangeLabel(range)}${suffix}.csv`,
    body: toCsv(
      series.columns.map((c) => c.id),
      series.rows,
    ),
  };
}
