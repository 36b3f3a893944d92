import type { ReactNode } from "react";
import { cn } from "./cn";

export type TableColumn = {
  /** The header text; also the column's React key, so unique within a table. */
  label: string;
  /** Read by screen readers but not shown (an actions column has no visible header). */
  srOnly?: boolean;
  /** Shown after the label, e.g. the time zone of a time column. */
  after?: ReactNode;
  /** The header cell's classes, in place of the table's `headerCellClassName`. */
  className?: string;
};

/**
 * The dashboard's plain tables (audit log, root keys, scopes, a key's recent events): a
 * frame that scrolls sideways on narrow screens, a caption for screen readers, one header
 * row of `scope="col"` cells and the caller's rows as the body.
 */
export function Table({
  caption,
  columns,
  children,
  frameClassName,
  tableClassName,
  headClassName,
  headerCellClassName = "px-4 py-2",
}: {
  caption: string;
  columns: readonly TableColumn[];
  /** The body's rows. */
  children: ReactNode;
  frameClassName?: string;
  tableClassName?: string;
  headClassName?: string;
  headerCellClassName?: string;
}) {
  return (
    <div className={cn("overflow-x-auto", frameClassName)}>
      <table className={cn("min-w-full text-sm", tableClassName)}>
        <caption className="sr-only">{caption}</caption>
        <thead
          className={cn("bg-zinc-50 text-left text-xs uppercase text-zinc-500", headClassName)}
        >
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={column.className ?? headerCellClassName}
              >
                {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
                {column.after}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">{children}</tbody>
      </table>
    </div>
  );
}
