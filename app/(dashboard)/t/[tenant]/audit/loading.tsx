import { PageHeader } from "@/components/ui/card";

export default function AuditLoading() {
  return (
    <>
      <PageHeader title="Audit log" description="Loading events…" />
      <div aria-busy="true" aria-live="polite" className="space-y-2">
        <span className="sr-only">Loading the audit log…</span>
        <div className="h-24 animate-pulse rounded-lg bg-zinc-100" />
        {Array.from({ length: 8 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders that never reorder
          <div key={i} className="h-10 animate-pulse rounded-md bg-zinc-100" />
        ))}
      </div>
    </>
  );
}
