import { type ReactNode, Suspense } from "react";
import { BudgetBurnChart } from "@/components/charts/budget-burn-chart";
import { ChartFrame } from "@/components/charts/chart-frame";
import { ChartSkeleton } from "@/components/charts/chart-skeleton";
import { CostChart } from "@/components/charts/cost-chart";
import { DenialsChart } from "@/components/charts/denials-chart";
import { RequestsChart } from "@/components/charts/requests-chart";
import { TopKeys } from "@/components/charts/top-keys";
import type { TenantContext } from "@/lib/auth/context";
import { ForbiddenError } from "@/lib/auth/errors";
import {
  budgetBurn,
  costAndTokens,
  denialsByReason,
  requestsOverTime,
  topKeys,
} from "@/lib/usage/analytics";
import type { TopKeyMetric, UsageRange } from "@/lib/usage/analytics-types";
import { exportHref } from "./usage-links";

// Server components that load one chart each. Every one streams behind its own Suspense
// boundary with a skeleton of the chart's size, and a failed query shows that chart's
// error state instead of failing the page.

type Scope = { ctx: TenantContext; range: UsageRange; keyId?: string };

function failure(error: unknown): string {
  if (error instanceof ForbiddenError) return error.message;
  // The real error may carry SQL or internals: it goes to the server log, not the page.
  console.error("usage chart query failed", error);
  return "The usage data could not be read. Reload the page to try again.";
}

async function load<T>(
  query: () => Promise<T | null>,
): Promise<{ data: T | null; error: string | null }> {
  try {
    const data = await query();
    return data === null ? { data, error: "This key was not found." } : { data, error: null };
  } catch (error) {
    return { data: null, error: failure(error) };
  }
}

export function Streamed({
  title,
  description,
  className,
  children,
}: {
  title: string;
  description?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Suspense
      fallback={<ChartSkeleton title={title} description={description} className={className} />}
    >
      {children}
    </Suspense>
  );
}

export const CHART_TEXT = {
  requests: { title: "Requests", description: "Every verification, stacked by outcome." },
  denials: { title: "Denials by reason", description: "Why verifications were refused." },
  cost: { title: "Cost and tokens", description: "Reported cost and tokens per bucket." },
  budget: { title: "Budget burn", description: "Share of each budget left over the range." },
  "top-requests": { title: "Top keys by requests", description: "Most verified keys." },
  "top-cost": { title: "Top keys by cost", description: "Keys that cost the most." },
  "top-denials": { title: "Top keys by denials", description: "Keys refused most often." },
} as const;

/**
 * The charts a tenant's Usage page and a key's page share: requests over the full width,
 * denials and cost side by side, then budget burn (left out where no budget can burn).
 */
export function UsageChartGrid({ budget = true, ...scope }: Scope & { budget?: boolean }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <div className="lg:col-span-2">
        <Streamed {...CHART_TEXT.requests}>
          <RequestsSection {...scope} />
        </Streamed>
      </div>
      <Streamed {...CHART_TEXT.denials}>
        <DenialsSection {...scope} />
      </Streamed>
      <Streamed {...CHART_TEXT.cost}>
        <CostSection {...scope} />
      </Streamed>
      {budget ? (
        <div className="lg:col-span-2">
          <Streamed {...CHART_TEXT.budget}>
            <BudgetSection {...scope} />
          </Streamed>
        </div>
      ) : null}
    </div>
  );
}

export async function RequestsSection({ ctx, range, keyId }: Scope) {
  const text = CHART_TEXT.requests;
  const { data, error } = await load(() => requestsOverTime(ctx, range, keyId));
  if (!data) return <ChartFrame {...text} error={error} />;
  return (
    <RequestsChart
      {...text}
      points={data}
      range={range}
      csvHref={exportHref(ctx.tenantSlug, "requests", range, keyId)}
    />
  );
}

export async function DenialsSection({ ctx, range, keyId }: Scope) {
  const text = CHART_TEXT.denials;
  const { data, error } = await load(() => denialsByReason(ctx, range, keyId));
  if (!data) return <ChartFrame {...text} error={error} />;
  return (
    <DenialsChart
      {...text}
      rows={data}
      csvHref={exportHref(ctx.tenantSlug, "denials", range, keyId)}
    />
  );
}

export async function CostSection({ ctx, range, keyId }: Scope) {
  const text = CHART_TEXT.cost;
  const { data, error } = await load(() => costAndTokens(ctx, range, keyId));
  if (!data) return <ChartFrame {...text} error={error} />;
  return (
    <CostChart
      {...text}
      points={data}
      range={range}
      csvHref={exportHref(ctx.tenantSlug, "cost", range, keyId)}
    />
  );
}

export async function BudgetSection({ ctx, range, keyId }: Scope) {
  const text = CHART_TEXT.budget;
  const { data, error } = await load(() => budgetBurn(ctx, range, keyId));
  if (!data) return <ChartFrame {...text} error={error} />;
  return (
    <BudgetBurnChart
      {...text}
      description={
        keyId
          ? "Share of this key's budget left over the range."
          : "Share of each budget left, most burnt first."
      }
      emptyMessage={keyId ? "This key has no budget." : "No key has a budget."}
      burns={data}
      range={range}
      csvHref={exportHref(ctx.tenantSlug, "budget", range, keyId)}
    />
  );
}

export async function TopKeysSection({
  ctx,
  range,
  metric,
}: Omit<Scope, "keyId"> & { metric: TopKeyMetric }) {
  const chart = `top-${metric}` as const;
  const text = CHART_TEXT[chart];
  const { data, error } = await load(() => topKeys(ctx, range, metric, 10));
  if (!data) return <ChartFrame {...text} error={error} />;
  return (
    <TopKeys
      {...text}
      keys={data}
      metric={metric}
      keyHref={`/t/${ctx.tenantSlug}/keys`}
      csvHref={exportHref(ctx.tenantSlug, chart, range)}
    />
  );
}
