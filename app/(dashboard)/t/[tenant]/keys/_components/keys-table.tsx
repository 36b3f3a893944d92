"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { useCallback, useMemo, useState } from "react";
import { Sparkline } from "@/components/charts/sparkline";
import { DataTable, type ServerPage } from "@/components/data-table/data-table";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { KeyRow } from "@/lib/keys/dto";
import type { Sparklines } from "@/lib/usage/analytics-types";
import { BulkActions } from "./bulk-actions";
import { budgetUsedPercent, formatCents, formatDate, relativeTime } from "./format";
import { KeyStatusBadge } from "./key-status-badge";
import { RevokeKeyDialog } from "./revoke-key-dialog";

function Scopes({ scopes }: { scopes: string[] }) {
  if (scopes.length === 0) return <span className="text-zinc-400">none</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {scopes.slice(0, 3).map((s) => (
        <Badge key={s}>{s}</Badge>
      ))}
      {scopes.length > 3 ? <Badge tone="blue">+{scopes.length - 3}</Badge> : null}
    </span>
  );
}

function BudgetUsed({ budget }: { budget: KeyRow["budget"] }) {
  const percent = budgetUsedPercent(budget);
  if (!budget || percent === null) return <span className="text-zinc-400">—</span>;
  return (
    <span
      className="block min-w-28"
      title={`${formatCents(budget.spentCents)} of ${formatCents(budget.limitCents)} (${budget.period.toLowerCase()})`}
    >
      <span className="flex justify-between text-xs">
        <span>{percent}%</span>
        <span className="text-zinc-500">{formatCents(budget.limitCents)}</span>
      </span>
      <span className="mt-1 block h-1.5 rounded-full bg-zinc-200">
        <span
          className={`block h-1.5 rounded-full ${percent >= 80 ? "bg-red-500" : "bg-zinc-700"}`}
          style={{ width: `${percent}%` }}
        />
      </span>
    </span>
  );
}

export function KeysTable({
  tenant,
  rows,
  sparklines,
  page,
  canWrite,
  empty,
}: {
  tenant: string;
  rows: KeyRow[];
  /** Requests per day for the last 7 days, per key id. */
  sparklines: Sparklines;
  page: ServerPage;
  canWrite: boolean;
  empty: React.ReactNode;
}) {
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const closeRevoke = useCallback(() => setRevoking(null), []);

  const columns = useMemo<ColumnDef<KeyRow>[]>(() => {
    const base: ColumnDef<KeyRow>[] = [
      {
        id: "name",
        header: "Name",
        cell: ({ row }) => (
          <Link
            href={`/t/${tenant}/keys/${row.original.id}`}
            className="whitespace-nowrap font-medium text-zinc-900 hover:underline"
          >
            {row.original.name}
          </Link>
        ),
      },
      {
        id: "key",
        header: "Key",
        enableSorting: false,
        cell: ({ row }) => (
          <code className="whitespace-nowrap font-mono text-xs">{row.original.display}</code>
        ),
      },
      {
        id: "status",
        header: "Status",
        enableSorting: false,
        cell: ({ row }) => <KeyStatusBadge status={row.original.status} />,
      },
      {
        id: "scopes",
        header: "Scopes",
        enableSorting: false,
        cell: ({ row }) => <Scopes scopes={row.original.scopes} />,
      },
      {
        id: "lastUsedAt",
        header: "Last used",
        cell: ({ row }) => (
          <span className="whitespace-nowrap">{relativeTime(row.original.lastUsedAt)}</span>
        ),
      },
      {
        id: "expiresAt",
        header: "Expires",
        cell: ({ row }) => (
          <span className="whitespace-nowrap">
            {row.original.expiresAt ? formatDate(row.original.expiresAt) : "never"}
          </span>
        ),
      },
      {
        id: "budget",
        header: "Budget used",
        cell: ({ row }) => <BudgetUsed budget={row.original.budget} />,
      },
      {
        id: "requests7d",
        header: "Requests (7 d)",
        enableSorting: false,
        cell: ({ row }) => <Sparkline values={sparklines[row.original.id] ?? []} />,
      },
      {
        id: "createdAt",
        header: "Created",
        cell: ({ row }) => (
          <span className="whitespace-nowrap text-zinc-600">
            {formatDate(row.original.createdAt)}
          </span>
        ),
      },
    ];
    if (canWrite) {
      base.push({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        enableSorting: false,
        cell: ({ row }) =>
          row.original.status === "REVOKED" ? null : (
            <Button
              size="sm"
              variant="ghost"
              className="text-red-600"
              onClick={() => setRevoking(row.original)}
              aria-label={`Revoke ${row.original.name}`}
            >
              Revoke
            </Button>
          ),
      });
    }
    return base;
  }, [tenant, canWrite, sparklines]);

  return (
    <>
      <DataTable
        caption="API keys"
        columns={columns}
        data={rows}
        page={page}
        getRowId={(row) => row.id}
        rowLabel={(row) => row.name}
        selectable={canWrite}
        bulkActions={(ids, clear) => <BulkActions tenant={tenant} keyIds={ids} onDone={clear} />}
        empty={empty}
      />
      {revoking ? (
        <RevokeKeyDialog
          tenant={tenant}
          keyId={revoking.id}
          keyName={revoking.name}
          open
          onClose={closeRevoke}
        />
      ) : null}
    </>
  );
}
