import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table } from "@/components/ui/table";
import type { AuditRow } from "@/lib/audit/list";
import { type AuditQuery, auditSearchParams } from "@/lib/audit/schemas";
import { ChangeDetails } from "./change-details";

// UTC on purpose: the date filters are UTC days, so the table speaks the same zone.
function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function formatClock(date: Date): string {
  return `${date.toISOString().slice(11, 19)} UTC`;
}

const COLUMNS = ["Time", "Actor", "Action", "Target", "IP", "Change"].map((label) => ({ label }));

const ACTOR_TYPE_LABEL = { USER: null, ROOT_KEY: "root key", SYSTEM: "system" } as const;

export function AuditTable({
  slug,
  rows,
  query,
}: {
  slug: string;
  rows: AuditRow[];
  query: AuditQuery;
}) {
  const filterHref = (changes: Partial<AuditQuery>) =>
    `/t/${slug}/audit?${auditSearchParams({ ...query, ...changes }, 1).toString()}`;
  return (
    <Table
      caption="Audit events, newest first"
      columns={COLUMNS}
      frameClassName="rounded-lg border border-zinc-200 bg-white"
    >
      {rows.map((row) => {
        const actorType = ACTOR_TYPE_LABEL[row.actorType];
        return (
          <tr key={row.id} className="align-top">
            <td className="whitespace-nowrap px-4 py-2 text-zinc-600">
              <time dateTime={row.createdAt.toISOString()}>
                {formatDay(row.createdAt)}
                <span className="block text-xs text-zinc-500">{formatClock(row.createdAt)}</span>
              </time>
            </td>
            <td className="px-4 py-2">
              <span className="break-words">{row.actorLabel}</span>
              {actorType ? (
                <span className="ml-2">
                  <Badge tone="blue">{actorType}</Badge>
                </span>
              ) : null}
            </td>
            <td className="whitespace-nowrap px-4 py-2 font-mono text-xs">
              <Link
                href={filterHref({ action: row.action })}
                title={`Show only ${row.action}`}
                className="hover:underline"
              >
                {row.action}
              </Link>
            </td>
            <td className="px-4 py-2">
              <span className="block text-xs text-zinc-500">{row.targetType}</span>
              {row.targetId ? (
                row.targetType === "key" ? (
                  <Link
                    href={`/t/${slug}/keys/${encodeURIComponent(row.targetId)}`}
                    className="font-mono text-xs text-blue-700 underline"
                  >
                    {row.targetId}
                  </Link>
                ) : (
                  <span className="font-mono text-xs text-zinc-700">{row.targetId}</span>
                )
              ) : null}
            </td>
            <td className="whitespace-nowrap px-4 py-2 font-mono text-xs text-zinc-600">
              {row.ip ?? "—"}
            </td>
            <td className="px-4 py-2">
              <ChangeDetails before={row.before} after={row.after} />
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
