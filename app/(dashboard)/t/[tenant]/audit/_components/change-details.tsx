// Before and after of one audit event. Server-rendered: <details> opens without
// JavaScript, and the JSON is shown as stored (secrets were scrubbed when it was written).

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pretty(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return JSON.stringify(value, null, 2);
}

/** The top-level fields that differ, so the row says what changed before it is opened. */
export function changedFields(before: unknown, after: unknown): string[] {
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((name) => JSON.stringify(a[name]) !== JSON.stringify(b[name]));
}

const SHOWN_FIELDS = 3;

export function ChangeDetails({ before, after }: { before: unknown; after: unknown }) {
  const hasBefore = before !== null && before !== undefined;
  const hasAfter = after !== null && after !== undefined;
  if (!hasBefore && !hasAfter) return <span className="text-zinc-400">—</span>;
  const fields = changedFields(before, after);
  const summary =
    fields.length === 0
      ? "Details"
      : fields.length > SHOWN_FIELDS
        ? `${fields.slice(0, SHOWN_FIELDS).join(", ")} +${fields.length - SHOWN_FIELDS} more`
        : fields.join(", ");
  const panes = [
    hasBefore ? { label: "Before", value: before } : null,
    hasAfter ? { label: "After", value: after } : null,
  ].filter((pane) => pane !== null);
  return (
    <details className="min-w-56 max-w-lg">
      <summary className="cursor-pointer rounded text-xs text-zinc-700 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-zinc-900">
        <span className="font-mono">{summary}</span>
      </summary>
      <div className="mt-2 space-y-2">
        {panes.map((pane, index) => (
          <div key={pane.label}>
            <p className="text-xs font-medium text-zinc-500">
              {index > 0 ? <span aria-hidden="true">→ </span> : null}
              {pane.label}
            </p>
            <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded-md bg-zinc-50 p-2 text-xs">
              {pretty(pane.value)}
            </pre>
          </div>
        ))}
      </div>
    </details>
  );
}
