import { describe, expect, it } from "vitest";
import { type RequestsPoint, VERIFY_OUTCOMES } from "@/lib/usage/analytics-types";
import { budgetSeries, budgetSeriesLong, requestsSeries } from "./series";

function point(bucket: string, counts: Partial<Record<(typeof VERIFY_OUTCOMES)[number], number>>) {
  const p = { bucket, total: 0 } as RequestsPoint;
  for (const o of VERIFY_OUTCOMES) {
    p[o] = counts[o] ?? 0;
    p.total += p[o];
  }
  return p;
}

describe("requestsSeries", () => {
  const points = [
    point("2026-11-20T13:00:00.000Z", { VALID: 3, RATE_LIMITED: 2 }),
    point("2026-11-20T14:00:00.000Z", { VALID: 1 }),
  ];

  it("keeps every outcome for the CSV, so its columns never change", () => {
    const table = requestsSeries(points);
    expect(table.columns.map((c) => c.id)).toEqual([
      "bucket_start",
      ...VERIFY_OUTCOMES.map((o) => o.toLowerCase()),
      "total",
    ]);
    expect(table.rows[0]).toEqual(["2026-11-20T13:00:00.000Z", 3, 2, 0, 0, 0, 0, 0, 0, 0, 5]);
  });

  it("drops outcomes that never happened from the table view, but never Valid", () => {
    const table = requestsSeries(points, true);
    expect(table.columns.map((c) => c.label)).toEqual(["Time", "Valid", "Rate limited", "Total"]);
    expect(table.rows).toEqual([
      ["2026-11-20T13:00:00.000Z", 3, 2, 5],
      ["2026-11-20T14:00:00.000Z", 1, 0, 1],
    ]);
    expect(requestsSeries([point("2026-11-20T13:00:00.000Z", {})], true).columns).toHaveLength(3);
  });
});

describe("budgetSeries", () => {
  const burns = [
    {
      keyId: "k1",
      name: "Checkout",
      display: "kp_ab…wxyz",
      budgetCents: 500,
      period: "MONTHLY" as const,
      spentCents: 120,
      points: [
        { bucket: "2026-11-20T13:00:00.000Z", spentCents: 20, remainingCents: 480 },
        { bucket: "2026-11-20T14:00:00.000Z", spentCents: 120, remainingCents: 380 },
      ],
    },
  ];

  it("shows budget left per bucket and key, wide for people and long for the CSV", () => {
    expect(budgetSeries(burns).rows).toEqual([
      ["2026-11-20T13:00:00.000Z", 480],
      ["2026-11-20T14:00:00.000Z", 380],
    ]);
    expect(budgetSeriesLong(burns).rows[1]).toEqual([
      "2026-11-20T14:00:00.000Z",
      "k1",
      "Checkout",
      500,
      "MONTHLY",
      120,
      380,
    ]);
  });
});
