import type { JsonValue } from "@/lib/keys/dto";

function show(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "—";
  if (Array.isArray(value))
    return value.length === 0 ? "none" : value.map((v) => show(v)).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function fields(value: JsonValue | null): Record<string, JsonValue> {
  return value && typeof value === "object" && !Array.isArray(value) ? value : {};
}

/** An audit entry's change as one line per field: `field: before → after`. */
export function ChangeList({
  before,
  after,
}: {
  before: JsonValue | null;
  after: JsonValue | null;
}) {
  const was = fields(before);
  const now = fields(after);
  const names = [...new Set([...Object.keys(was), ...Object.keys(now)])];
  if (names.length === 0) return <span className="text-zinc-400">—</span>;
  return (
    <ul className="space-y-0.5">
      {names.map((name) => (
        <li key={name} className="break-words">
          <span className="text-zinc-500">{name}:</span>{" "}
          {name in was ? (
            <>
              <span className="line-through decoration-zinc-400">{show(was[name])}</span> →{" "}
            </>
          ) : null}
          <span className="text-zinc-900">{show(now[name])}</span>
        </li>
      ))}
    </ul>
  );
}
