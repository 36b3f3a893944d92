import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { AuditQuery } from "@/lib/audit/schemas";

/**
 * A plain GET form: the filters live in the URL, work without JavaScript, and submitting
 * drops `page`, so a new filter always starts on the first page.
 */
export function AuditFilters({
  slug,
  query,
  actions,
  isFiltered,
}: {
  slug: string;
  query: AuditQuery;
  actions: string[];
  isFiltered: boolean;
}) {
  // An action typed into the URL that this tenant never recorded still shows as chosen.
  const options =
    query.action && !actions.includes(query.action) ? [query.action, ...actions] : actions;
  return (
    <search aria-label="Filter the audit log">
      <form
        method="get"
        className="mb-4 grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-[1.2fr_1fr_1fr_auto_auto_auto] lg:items-end"
      >
        <TextField
          id="actor"
          label="Actor"
          placeholder="Email, root key name or id"
          defaultValue={query.actor ?? ""}
          maxLength={200}
        />
        <SelectField id="action" label="Action" defaultValue={query.action ?? ""}>
          <option value="">Any action</option>
          {options.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </SelectField>
        <TextField
          id="target"
          label="Key or target id"
          placeholder="Exact id"
          defaultValue={query.target ?? ""}
          maxLength={64}
        />
        <TextField id="from" label="From (UTC)" type="date" defaultValue={query.from ?? ""} />
        <TextField id="to" label="To (UTC)" type="date" defaultValue={query.to ?? ""} />
        <div className="flex items-center gap-2">
          <button type="submit" className={buttonClasses("primary", "md")}>
            Apply filters
          </button>
          {isFiltered ? (
            <Link href={`/t/${slug}/audit`} className={buttonClasses("ghost", "md")}>
              Clear
            </Link>
          ) : null}
        </div>
      </form>
    </search>
  );
}
