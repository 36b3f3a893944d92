import type { Metadata } from "next";
import Link from "next/link";
import { type ReactNode, Suspense } from "react";
import { RangePicker } from "@/components/charts/range-picker";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card, PageHeader } from "@/components/ui/card";
import { Table } from "@/components/ui/table";
import { can } from "@/lib/auth/roles";
import { requireMember } from "@/lib/auth/session";
import { listKeyAudit } from "@/lib/keys/data";
import { parseUsageRange, usageRetention } from "@/lib/usage/analytics";
import { UsageChartGrid } from "../../usage/_components/chart-sections";
import { rangeQuery } from "../../usage/_components/usage-links";
import { formatCents, formatDateTime, relativeTime } from "../_components/format";
import { KeyStatusBadge } from "../_components/key-status-badge";
import { loadKeyOr404 } from "../_components/load-key";
import { ChangeList } from "./_components/change-list";
import { KeyLifecycle } from "./_components/key-lifecycle";
import { KeySignals } from "./_components/key-signals";
import { RecentEvents, RecentEventsSkeleton } from "./_components/recent-events";

export const metadata: Metadata = { title: "Key" };

const HISTORY_COLUMNS = ["Time", "Who", "Action", "Change"].map((label) => ({ label }));

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function List({ items, empty }: { items: string[]; empty: string }) {
  if (items.length === 0) return <span className="text-zinc-500">{empty}</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {items.map((item) => (
        <Badge key={item}>{item}</Badge>
      ))}
    </span>
  );
}

function json(value: unknown): string {
  return value === null || value === undefined ? "" : JSON.stringify(value);
}

function single(value: string | string[] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() ? v.trim().slice(0, 200) : null;
}

export default async function KeyDetailPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; keyId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant, keyId } = await params;
  const ctx = await requireMember(tenant);
  const key = await loadKeyOr404(ctx, keyId);
  const query = await searchParams;
  const range = parseUsageRange({ range: query.range, from: query.from, to: query.to });
  const before = single(query.before);
  const usageScope = { ctx, range, keyId: key.id };
  const eventsHref = (cursor: string | null) => {
    const q = rangeQuery(range);
    if (cursor) q.set("before", cursor);
    return `/t/${tenant}/keys/${key.id}?${q}#events`;
  };
  const audit = await listKeyAudit(ctx, keyId, { limit: 50 });
  const canWrite = can(ctx.role, "keys:write");
  const limits = key.rateLimits;

  return (
    <div className="space-y-6">
      <Link href={`/t/${tenant}/keys`} className="text-sm text-zinc-600 hover:underline">
        ← Keys
      </Link>
      <PageHeader
        title={key.name}
        description={key.description || undefined}
        actions={
          canWrite ? (
            <>
              {key.status !== "REVOKED" ? (
                <Link
                  href={`/t/${tenant}/keys/${key.id}/edit`}
                  className={buttonClasses("secondary")}
                >
                  Edit
                </Link>
              ) : null}
              <KeyLifecycle tenant={tenant} keyId={key.id} keyName={key.name} status={key.status} />
            </>
          ) : null
        }
      />
      {key.status === "REVOKED" ? (
        <p
          role="status"
          className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800"
        >
          Revoked {formatDateTime(key.revokedAt)}
          {key.revokedBy ? ` by ${key.revokedBy}` : ""}: {key.revokedReason}
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <h2 className="mb-4 text-base font-semibold">Overview</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
            <Row label="Status">
              <KeyStatusBadge status={key.status} />
            </Row>
            <Row label="Key">
              <code className="font-mono text-xs" data-testid="key-display">
                {key.display}
              </code>
            </Row>
            <Row label="Created">
              {formatDateTime(key.createdAt)}
              {key.createdBy ? ` by ${key.createdBy.label}` : ""}
            </Row>
            <Row label="Last used">{relativeTime(key.lastUsedAt)}</Row>
            <Row label="Expires">
              <span data-testid="key-expires">
                {key.expiresAt ? formatDateTime(key.expiresAt) : "never"}
              </span>
            </Row>
            <Row label="Tags">
              <List items={key.tags} empty="none" />
            </Row>
            <Row label="Signals">
              <span data-testid="key-signals">
                <Suspense fallback={<span className="text-zinc-400">checking…</span>}>
                  <KeySignals ctx={ctx} keyId={key.id} />
                </Suspense>
              </span>
            </Row>
          </dl>
        </Card>
        <Card>
          <h2 className="mb-4 text-base font-semibold">Limits</h2>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
            <Row label="Scopes">
              <span data-testid="key-scopes">
                <List items={key.scopes} empty="none" />
              </span>
            </Row>
            <Row label="Rate limits">
              {[
                limits.perMinute ? `${limits.perMinute}/min` : null,
                limits.perHour ? `${limits.perHour}/hour` : null,
                limits.perDay ? `${limits.perDay}/day` : null,
              ]
                .filter(Boolean)
                .join(" · ") || "none"}
            </Row>
            <Row label="Budget">
              <span data-testid="key-budget">
                {key.budget
                  ? `${formatCents(key.budget.spentCents)} of ${formatCents(key.budget.limitCents)} (${key.budget.period === "MONTHLY" ? "monthly" : "total"})`
                  : "none"}
              </span>
            </Row>
            <Row label="IP ranges">
              <List items={key.ipAllowlist} empty="any address" />
            </Row>
            <Row label="Endpoints">
              <List items={key.allowedEndpoints} empty="any endpoint" />
            </Row>
            <Row label="Resources">
              <List items={key.allowedResources} empty="any resource" />
            </Row>
            <Row label="Metadata">
              {key.metadata ? (
                <code className="font-mono text-xs">{json(key.metadata)}</code>
              ) : (
                <span className="text-zinc-500">none</span>
              )}
            </Row>
          </dl>
        </Card>
      </div>
      <Card>
        <h2 className="mb-3 text-base font-semibold">Secrets</h2>
        <ul className="divide-y divide-zinc-100 text-sm" aria-label="Secrets">
          <li className="flex flex-wrap items-center justify-between gap-2 py-2">
            <code className="font-mono text-xs">{key.display}</code>
            <span className="text-zinc-600">
              current{key.rolledAt ? ` · issued ${formatDateTime(key.rolledAt)}` : ""}
            </span>
          </li>
          {key.retiredSecrets.map((secret) => (
            <li
              key={secret.id}
              className="flex flex-wrap items-center justify-between gap-2 py-2"
              data-testid="retired-secret"
            >
              <code className="font-mono text-xs">{secret.display}</code>
              <span className="text-zinc-600">
                previous · keeps working until {formatDateTime(secret.graceEndsAt)}
              </span>
            </li>
          ))}
        </ul>
      </Card>
      <section aria-labelledby="usage-title" className="space-y-4">
        <h2 id="usage-title" className="text-lg font-semibold">
          Usage
        </h2>
        <RangePicker range={range} retentionDays={usageRetention().dayDays} />
        <UsageChartGrid {...usageScope} budget={Boolean(key.budget)} />
      </section>
      <Card className="p-0">
        <h2 id="events" className="scroll-mt-4 px-6 pt-5 pb-3 text-base font-semibold">
          Recent events
        </h2>
        <Suspense key={before ?? "newest"} fallback={<RecentEventsSkeleton />}>
          <RecentEvents ctx={ctx} keyId={key.id} before={before} pageHref={eventsHref} />
        </Suspense>
      </Card>
      <Card className="overflow-x-auto p-0">
        <h2 className="px-6 pt-5 pb-3 text-base font-semibold">History</h2>
        <Table
          caption="Audit history of this key"
          columns={HISTORY_COLUMNS}
          headerCellClassName="px-6 py-2"
        >
          {audit.map((entry) => (
            <tr key={entry.id}>
              <td className="whitespace-nowrap px-6 py-2 text-zinc-600">
                {formatDateTime(entry.createdAt)}
              </td>
              <td className="px-6 py-2">{entry.actorLabel}</td>
              <td className="px-6 py-2 font-mono text-xs">{entry.action}</td>
              <td className="max-w-xl px-6 py-2 font-mono text-xs">
                <ChangeList before={entry.before} after={entry.after} />
              </td>
            </tr>
          ))}
        </Table>
      </Card>
    </div>
  );
}
