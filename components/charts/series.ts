import {
  type BudgetBurn,
  type CostPoint,
  type DenialRow,
  type RequestsPoint,
  type TopKey,
  VERIFY_OUTCOMES,
} from "@/lib/usage/analytics-types";
import { OUTCOME_STYLE } from "./outcomes";

/**
 * What each chart shows, as rows and columns: the single source for a chart's table view
 * (formatted for people) and its CSV export (raw values, ISO UTC times), so the two can
 * never disagree. Pure, so the server's export route and the client's table share it.
 */
export type ColumnKind = "time" | "count" | "cents" | "text" | "outcome";

export type SeriesColumn = { id: string; label: string; kind: ColumnKind };

export type SeriesTable = { columns: SeriesColumn[]; rows: (string | number)[][] };

const TIME: SeriesColumn = { id: "bucket_start", label: "Time", kind: "time" };

/**
 * Requests per bucket by outcome. `compact` drops outcomes that are zero across the range
 * (the table view); the CSV keeps every outcome so its columns never change.
 */
export function requestsSeries(points: RequestsPoint[], compact = false): SeriesTable {
  const outcomes = VERIFY_OUTCOMES.filter(
    (o) => !compact || o === "VALID" || points.some((p) => p[o] > 0),
  );
  return {
    columns: [
      TIME,
      ...outcomes.map((o) => ({
        id: o.toLowerCase(),
        label: OUTCOME_STYLE[o].label,
        kind: "count" as const,
      })),
      { id: "total", label: "Total", kind: "count" },
    ],
    rows: points.map((p) => [p.bucket, ...outcomes.map((o) => p[o]), p.total]),
  };
}

export function denialsSeries(rows: DenialRow[]): SeriesTable {
  return {
    columns: [
      { id: "reason", label: "Reason", kind: "outcome" },
      { id: "requests", label: "Requests", kind: "count" },
    ],
    rows: rows.map((r) => [r.outcome, r.count]),
  };
}

export function costSeries(points: CostPoint[]): SeriesTable {
  return {
    columns: [
      TIME,
      { id: "cost_cents", label: "Cost", kind: "cents" },
      { id: "tokens", label: "Tokens", kind: "count" },
    ],
    rows: points.map((p) => [p.bucket, p.costCents, p.tokens]),
  };
}

/** Budget left after each bucket, one column per key (the table view). */
export function budgetSeries(burns: BudgetBurn[]): SeriesTable {
  const buckets = burns[0]?.points.map((p) => p.bucket) ?? [];
  return {
    columns: [
      TIME,
      ...burns.map((b) => ({ id: b.keyId, label: `${b.name} (left)`, kind: "cents" as const })),
    ],
    rows: buckets.map((bucket, i) => [
      bucket,
      ...burns.map((b) => b.points[i]?.remainingCents ?? 0),
    ]),
  };
}

/** Budget burn in long form (the CSV): one row per key and bucket, with the key's budget. */
export function budgetSeriesLong(burns: BudgetBurn[]): SeriesTable {
  return {
    columns: [
      TIME,
      { id: "key_id", label: "Key id", kind: "text" },
      { id: "key_name", label: "Key", kind: "text" },
      { id: "budget_cents", label: "Budget", kind: "cents" },
      { id: "period", label: "Period", kind: "text" },
      { id: "spent_cents", label: "Spent in range", kind: "cents" },
      { id: "remaining_cents", label: "Left", kind: "cents" },
    ],
    rows: burns.flatMap((b) =>
      b.points.map((p) => [
        p.bucket,
        b.keyId,
        b.name,
        b.budgetCents,
        b.period,
        p.spentCents,
        p.remainingCents,
      ]),
    ),
  };
}

export function topKeysSeries(keys: TopKey[]): SeriesTable {
  return {
    columns: [
      { id: "key_id", label: "Key id", kind: "text" },
      { id: "key_name", label: "Key", kind: "text" },
      { id: "key_display", label: "Prefix", kind: "text" },
      { id: "requests", label: "Requests", kind: "count" },
      { id: "cost_cents", label: "Cost", kind: "cents" },
      { id: "denials", label: "Denials", kind: "count" },
    ],
    rows: keys.map((k) => [k.keyId, k.name, k.display, k.requests, k.costCents, k.denials]),
  };
}
