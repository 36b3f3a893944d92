import Link from "next/link";
import { formatCents, formatCount } from "@/components/charts/format";
import { LocalTime, ViewerZone } from "@/components/charts/local-time";
import { OUTCOME_STYLE, outcomeLabel } from "@/components/charts/outcomes";
import { buttonClasses } from "@/components/ui/button";
import { Table, type TableColumn } from "@/components/ui/table";
import type { TenantContext } from "@/lib/auth/context";
import { recentEvents } from "@/lib/usage/analytics";
import type { UsageEventsPage } from "@/lib/usage/analytics-types";

const PAGE_SIZE = 20;

const COLUMNS: TableColumn[] = [
  {
    label: "Time",
    className: "px-6 py-2 font-medium",
    after: (
      <>
        {" "}
        <span className="normal-case">
          (<ViewerZone />)
        </span>
      </>
    ),
  },
  { label: "Outcome" },
  { label: "IP" },
  { label: "Endpoint" },
  { label: "Resource" },
  { label: "Cost", className: "px-3 py-2 text-right font-medium" },
  { label: "Tokens", className: "px-6 py-2 text-right font-medium" },
];

function Outcome({ outcome }: { outcome: string }) {
  const color =
    outcome in OUTCOME_STYLE
      ? OUTCOME_STYLE[outcome as keyof typeof OUTCOME_STYLE].color
      : "#a1a1aa";
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span aria-hidden className="size-2 rounded-full" style={{ backgroundColor: color }} />
      {outcomeLabel(outcome)}
    </span>
  );
}

/**
 * The key's latest usage events, newest first, paginated on the server with a cursor in
 * the URL (`before`), so any page can be linked and the database reads one page at a time.
 */
export async function RecentEvents({
  ctx,
  keyId,
  before,
  pageHref,
}: {
  ctx: TenantContext;
  keyId: string;
  before: string | null;
  /** The page's URL with `before` set to the given cursor (null: the newest page). */
  pageHref: (before: string | null) => string;
}) {
  let page: UsageEventsPage | null;
  try {
    page = await recentEvents(ctx, keyId, { before, pageSize: PAGE_SIZE });
  } catch (error) {
    console.error("recent usage events query failed", error);
    return (
      <p role="alert" className="px-6 pb-5 text-sm text-red-700">
        The recent events could not be read. Reload the page to try again.
      </p>
    );
  }
  const rows = page?.rows ?? [];
  return (
    <>
      <Table
        caption="Recent usage events of this key, newest first"
        columns={COLUMNS}
        tableClassName="tabular-nums"
        headerCellClassName="px-3 py-2 font-medium"
      >
        {rows.length === 0 ? (
          <tr>
            <td colSpan={COLUMNS.length} className="px-6 py-8 text-center text-zinc-500">
              {before
                ? "No older events."
                : "No events yet: they appear within seconds of a verification."}
            </td>
          </tr>
        ) : (
          rows.map((event) => (
            <tr key={event.id}>
              <td className="whitespace-nowrap px-6 py-1.5 text-zinc-700">
                <LocalTime iso={event.time} />
              </td>
              <td className="px-3 py-1.5">
                <Outcome outcome={event.outcome} />
              </td>
              <td className="px-3 py-1.5 font-mono text-xs">{event.ip ?? "—"}</td>
              <td
                className="max-w-48 truncate px-3 py-1.5 font-mono text-xs"
                title={event.endpoint ?? undefined}
              >
                {event.endpoint ?? "—"}
              </td>
              <td className="max-w-40 truncate px-3 py-1.5" title={event.resource ?? undefined}>
                {event.resource ?? "—"}
              </td>
              <td className="px-3 py-1.5 text-right">
                {event.costCents ? formatCents(event.costCents) : "—"}
              </td>
              <td className="px-6 py-1.5 text-right">
                {event.tokens ? formatCount(event.tokens) : "—"}
              </td>
            </tr>
          ))
        )}
      </Table>
      <nav aria-label="Events pages" className="flex items-center justify-end gap-2 px-6 py-3">
        {before ? (
          <Link href={pageHref(null)} scroll={false} className={buttonClasses("secondary", "sm")}>
            Newest
          </Link>
        ) : null}
        {page?.nextBefore ? (
          <Link
            href={pageHref(page.nextBefore)}
            scroll={false}
            className={buttonClasses("secondary", "sm")}
          >
            Older events
          </Link>
        ) : null}
      </nav>
    </>
  );
}

export function RecentEventsSkeleton() {
  return (
    <div aria-busy="true" className="space-y-2 px-6 pb-5">
      {Array.from({ length: 6 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed placeholder rows
        <div key={i} className="h-6 animate-pulse rounded bg-zinc-100" />
      ))}
      <span className="sr-only">Loading recent events…</span>
    </div>
  );
}
