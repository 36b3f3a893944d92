import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/roles";
import { requireMember } from "@/lib/auth/session";
import { listKeys } from "@/lib/keys/data";
import { parseListKeysQuery } from "@/lib/keys/list-query";
import { listScopes } from "@/lib/tenants/scopes";
import { sparklines } from "@/lib/usage/analytics";
import { KeysFilters } from "./_components/keys-filters";
import { KeysTable } from "./_components/keys-table";

export const metadata: Metadata = { title: "Keys" };

export default async function KeysPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  const query = parseListKeysQuery(await searchParams);
  const [result, scopes] = await Promise.all([
    listKeys(ctx, query),
    listScopes(ctx, { includeRetired: true }),
  ]);
  // One query for the whole page's 7-day trends, after the page of keys is known.
  const trends = await sparklines(
    ctx,
    result.rows.map((row) => row.id),
  );
  const canWrite = can(ctx.role, "keys:write");
  const filtered = Boolean(
    query.q ||
      query.status ||
      query.tag ||
      query.scope ||
      query.expiringWithinDays ||
      query.overBudget80 ||
      query.unusedForDays,
  );
  const createLink = canWrite ? (
    <Link href={`/t/${tenant}/keys/new`} className={buttonClasses("primary")}>
      Create key
    </Link>
  ) : null;

  return (
    <>
      <PageHeader
        title="API keys"
        description="Issue, find, limit and revoke the keys your services accept."
        actions={createLink}
      />
      {result.total === 0 && !filtered ? (
        <EmptyState title="No keys yet" action={createLink}>
          {canWrite
            ? "Create a key for a service or customer; you will see its secret once."
            : "Keys created by admins appear here."}
        </EmptyState>
      ) : (
        <>
          <KeysFilters
            scopes={scopes.map((s) => s.name)}
            values={{
              q: query.q,
              status: query.status,
              tag: query.tag,
              scope: query.scope,
              expiringWithinDays: query.expiringWithinDays,
              overBudget80: query.overBudget80,
              unusedForDays: query.unusedForDays,
            }}
          />
          <KeysTable
            tenant={tenant}
            rows={result.rows}
            sparklines={trends}
            canWrite={canWrite}
            page={{
              page: result.page,
              pageSize: result.pageSize,
              total: result.total,
              sort: query.sort,
              dir: query.dir,
            }}
            empty="No keys match these filters."
          />
          {result.totalIsCapped ? (
            <p className="mt-2 text-xs text-zinc-500">
              More than {result.total.toLocaleString("en-US")} keys match; narrow the filters to see
              the rest.
            </p>
          ) : null}
        </>
      )}
    </>
  );
}
