import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { listAuditActions, listAuditEvents } from "@/lib/audit/list";
import { auditSearchParams, hasAuditFilters, parseAuditSearchParams } from "@/lib/audit/schemas";
import { requireMember } from "@/lib/auth/session";
import { AuditFilters } from "./_components/audit-filters";
import { AuditTable } from "./_components/audit-table";

export const metadata: Metadata = { title: "Audit log" };

const PARAM_LABELS: Record<string, string> = {
  page: "page",
  actor: "actor",
  action: "action",
  target: "key or target id",
  from: "from",
  to: "to",
};

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  const { query, ignored } = parseAuditSearchParams(await searchParams);
  const [{ rows, hasMore }, actions] = await Promise.all([
    listAuditEvents(ctx, query),
    listAuditActions(ctx),
  ]);
  const isFiltered = hasAuditFilters(query);
  const base = `/t/${ctx.tenantSlug}/audit`;
  const pageHref = (page: number) => {
    const search = auditSearchParams(query, page).toString();
    return search ? `${base}?${search}` : base;
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change, by whom, from where. Entries cannot be edited or deleted."
      />
      <AuditFilters slug={ctx.tenantSlug} query={query} actions={actions} isFiltered={isFiltered} />
      {ignored.length > 0 ? (
        <p
          role="status"
          data-testid="audit-ignored-params"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          Ignored {ignored.length === 1 ? "a value" : "values"} that could not be read:{" "}
          {ignored.map((name) => PARAM_LABELS[name] ?? name).join(", ")}.
        </p>
      ) : null}
      {rows.length === 0 ? (
        query.page > 1 ? (
          <EmptyState
            title="No more events"
            action={
              <Link href={pageHref(1)} className={buttonClasses("secondary", "sm")}>
                Back to the first page
              </Link>
            }
          />
        ) : isFiltered ? (
          <EmptyState
            title="No events match these filters"
            action={
              <Link href={base} className={buttonClasses("secondary", "sm")}>
                Clear filters
              </Link>
            }
          >
            Try a wider date range or a shorter actor.
          </EmptyState>
        ) : (
          <EmptyState title="Nothing here yet">
            Changes to keys, scopes, settings, root keys and members appear here.
          </EmptyState>
        )
      ) : (
        <AuditTable slug={ctx.tenantSlug} rows={rows} query={query} />
      )}
      {query.page > 1 || hasMore ? (
        <nav aria-label="Pagination" className="mt-4 flex items-center gap-3 text-sm">
          {query.page > 1 ? (
            <Link className={buttonClasses("secondary", "sm")} href={pageHref(query.page - 1)}>
              Newer
            </Link>
          ) : null}
          <span className="text-zinc-500">Page {query.page}</span>
          {hasMore ? (
            <Link className={buttonClasses("secondary", "sm")} href={pageHref(query.page + 1)}>
              Older
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
