"use client";

import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  type RowSelectionState,
  type SortingState,
  useReactTable,
} from "@tanstack/react-table";
import { type ReactNode, useMemo, useState } from "react";
import { cn } from "@/components/ui/cn";
import { useUrlState } from "./use-url-state";

export type ServerPage = {
  page: number;
  pageSize: number;
  total: number;
  sort: string;
  dir: "asc" | "desc";
};

const PAGE_SIZE_OPTIONS = [10, 25, 50, 100];

function SelectCheckbox({
  checked,
  indeterminate,
  onChange,
  label,
}: {
  checked: boolean;
  indeterminate?: boolean;
  onChange: (checked: boolean) => void;
  label: string;
}) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      className="size-4 rounded border-zinc-300"
      checked={checked}
      ref={(el) => {
        if (el) el.indeterminate = Boolean(indeterminate) && !checked;
      }}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}

/**
 * The one table of the dashboard: rows come from the server a page at a time, and
 * sorting and paging are URL changes that the server answers. Column definitions and
 * row actions belong to the route that uses it.
 */
export function DataTable<T>({
  columns,
  data,
  page,
  getRowId,
  rowLabel,
  selectable = false,
  bulkActions,
  empty,
  caption,
}: {
  columns: ColumnDef<T>[];
  data: T[];
  page: ServerPage;
  getRowId: (row: T) => string;
  rowLabel?: (row: T) => string;
  selectable?: boolean;
  bulkActions?: (selectedIds: string[], clear: () => void) => ReactNode;
  empty: ReactNode;
  caption: string;
}) {
  const { setParams, isPending } = useUrlState();
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const sorting: SortingState = useMemo(
    () => [{ id: page.sort, desc: page.dir === "desc" }],
    [page.sort, page.dir],
  );

  const allColumns = useMemo<ColumnDef<T>[]>(() => {
    if (!selectable) return columns;
    const select: ColumnDef<T> = {
      id: "_select",
      enableSorting: false,
      header: ({ table }) => (
        <SelectCheckbox
          label="Select all rows on this page"
          checked={table.getIsAllPageRowsSelected()}
          indeterminate={table.getIsSomePageRowsSelected()}
          onChange={(v) => table.toggleAllPageRowsSelected(v)}
        />
      ),
      cell: ({ row }) => (
        <SelectCheckbox
          label={`Select ${rowLabel ? rowLabel(row.original) : row.id}`}
          checked={row.getIsSelected()}
          onChange={(v) => row.toggleSelected(v)}
        />
      ),
    };
    return [select, ...columns];
  }, [columns, selectable, rowLabel]);

  const table = useReactTable({
    data,
    columns: allColumns,
    getRowId,
    state: { sorting, rowSelection },
    onRowSelectionChange: setRowSelection,
    enableRowSelection: selectable,
    manualPagination: true,
    manualSorting: true,
    manualFiltering: true,
    pageCount: Math.max(1, Math.ceil(page.total / page.pageSize)),
    getCoreRowModel: getCoreRowModel(),
  });

  const selectedIds = Object.keys(rowSelection).filter((id) => rowSelection[id]);
  const firstRow = page.total === 0 ? 0 : (page.page - 1) * page.pageSize + 1;
  const lastRow = Math.min(page.total, page.page * page.pageSize);
  const pageCount = Math.max(1, Math.ceil(page.total / page.pageSize));

  return (
    <div className="space-y-3">
      {selectable && selectedIds.length > 0 && bulkActions ? (
        <div className="flex flex-wrap items-center gap-3 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm">
          <span>{selectedIds.length} selected</span>
          {bulkActions(selectedIds, () => setRowSelection({}))}
        </div>
      ) : null}
      <div
        className={cn(
          "overflow-x-auto rounded-lg border border-zinc-200 bg-white",
          isPending && "opacity-60",
        )}
        aria-busy={isPending}
      >
        <table className="min-w-full text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-zinc-50 text-left text-xs uppercase tracking-wide text-zinc-500">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const canSort = header.column.getCanSort();
                  const sorted = header.column.getIsSorted();
                  const label = flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      className="whitespace-nowrap px-3 py-2 font-medium"
                      aria-sort={
                        sorted === "asc"
                          ? "ascending"
                          : sorted === "desc"
                            ? "descending"
                            : undefined
                      }
                    >
                      {canSort ? (
                        <button
                          type="button"
                          className="inline-flex items-center gap-1 uppercase hover:text-zinc-900"
                          onClick={() =>
                            setParams({
                              sort: header.column.id,
                              dir: sorted === "desc" ? "asc" : "desc",
                            })
                          }
                        >
                          {label}
                          <span aria-hidden>
                            {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                          </span>
                        </button>
                      ) : (
                        label
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {table.getRowModel().rows.length === 0 ? (
              <tr>
                <td colSpan={allColumns.length} className="px-3 py-10 text-center text-zinc-600">
                  {empty}
                </td>
              </tr>
            ) : (
              table.getRowModel().rows.map((row) => (
                <tr
                  key={row.id}
                  data-state={row.getIsSelected() ? "selected" : undefined}
                  className="hover:bg-zinc-50 data-[state=selected]:bg-blue-50"
                >
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id} className="px-3 py-2 align-middle">
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav
        aria-label="Pagination"
        className="flex flex-wrap items-center justify-between gap-3 text-sm text-zinc-600"
      >
        <span>
          {page.total === 0
            ? "No results"
            : `Showing ${firstRow}–${lastRow} of ${page.total.toLocaleString("en-US")}`}
        </span>
        <div className="flex items-center gap-2">
          <label htmlFor="page-size" className="text-xs">
            Rows per page
          </label>
          <select
            id="page-size"
            value={page.pageSize}
            onChange={(e) => setParams({ pageSize: e.target.value })}
            className="rounded-md border border-zinc-300 bg-white px-2 py-1"
          >
            {PAGE_SIZE_OPTIONS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="rounded-md border border-zinc-300 bg-white px-3 py-1 disabled:opacity-40"
            disabled={page.page <= 1}
            onClick={() => setParams({ page: page.page - 1 }, { resetPage: false })}
          >
            Previous
          </button>
          <span>
            Page {page.page} of {pageCount.toLocaleString("en-US")}
          </span>
          <button
            type="button"
            className="rounded-md border border-zinc-300 bg-white px-3 py-1 disabled:opacity-40"
            disabled={page.page >= pageCount}
            onClick={() => setParams({ page: page.page + 1 }, { resetPage: false })}
          >
            Next
          </button>
        </div>
      </nav>
    </div>
  );
}
