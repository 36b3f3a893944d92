import type { Metadata } from "next";
import { Suspense } from "react";
import { RangePicker } from "@/components/charts/range-picker";
import { PageHeader } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/session";
import { parseUsageRange, usageRetention } from "@/lib/usage/analytics";
import { CHART_TEXT, Streamed, TopKeysSection, UsageChartGrid } from "./_components/chart-sections";
import { NeedsAttention, NeedsAttentionSkeleton } from "./_components/needs-attention";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  const query = await searchParams;
  const range = parseUsageRange({ range: query.range, from: query.from, to: query.to });
  const scope = { ctx, range };

  return (
    <>
      <PageHeader
        title="Usage"
        description="Requests, denials, cost and tokens across your keys."
      />
      <RangePicker range={range} retentionDays={usageRetention().dayDays} />
      <Suspense fallback={<NeedsAttentionSkeleton />}>
        <NeedsAttention ctx={ctx} />
      </Suspense>
      <UsageChartGrid {...scope} />
      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        {(["requests", "cost", "denials"] as const).map((metric) => (
          <Streamed key={metric} {...CHART_TEXT[`top-${metric}`]}>
            <TopKeysSection {...scope} metric={metric} />
          </Streamed>
        ))}
      </div>
    </>
  );
}
