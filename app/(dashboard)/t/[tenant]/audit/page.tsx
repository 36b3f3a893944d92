import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { listAuditEvents } from "@/lib/audit/list";
import { requireMember } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

function summary(value: unknown): string {
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  const rawPage = Number((await searchParams).page);
  const page = Number.isInteger(rawPage) && rawPage > 0 ? rawPage : 1;
  const { rows, hasMore } = await listAuditEvents(ctx, { page });
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change, by whom, from where. Entries cannot be edited or deleted."
      />
      {rows.length === 0 ? (
        <EmptyState title="Nothing here yet" />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
          <table className="min-w-full text-sm">
            <thead className="bg-zinc-50 text-left text-xs uppercase text-zinc-500">
              <tr>
                <th className="px-4 py-2">Time</th>
                <th className="px-4 py-2">Actor</th>
                <th className="px-4 py-2">Action</th>
                <th className="px-4 py-2">Target</th>
                <th className="px-4 py-2">Change</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {rows.map((row) => (
                <tr key={row.id}>
                  <td className="whitespace-nowrap px-4 py-2 text-zinc-600">
                    <time dateTime={row.createdAt.toISOString()}>
                      {row.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC
                    </time>
                  </td>
                  <td className="px-4 py-2">
                    {row.actorLabel}
                    {row.ip ? <span className="block text-xs text-zinc-500">{row.ip}</span> : null}
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">{row.action}</td>
                  <td className="px-4 py-2 text-zinc-600">{row.targetType}</td>
                  <td
                    className="max-w-md truncate px-4 py-2 font-mono text-xs text-zinc-600"
                    title={`${summary(row.before)} → ${summary(row.after)}`}
                  >
                    {row.before ? `${summary(row.before)} → ` : ""}
                    {summary(row.after)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pagination" className="mt-4 flex gap-2 text-sm">
        {page > 1 ? (
          <Link className="underline" href={`?page=${page - 1}`}>
            Newer
          </Link>
        ) : null}
        {hasMore ? (
          <Link className="underline" href={`?page=${page + 1}`}>
            Older
          </Link>
        ) : null}
      </nav>
    </>
  );
}
