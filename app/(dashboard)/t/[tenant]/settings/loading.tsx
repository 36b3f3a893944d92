import { PageHeader } from "@/components/ui/card";

export default function SettingsLoading() {
  return (
    <>
      <PageHeader title="Settings" description="Loading settings…" />
      <div aria-busy="true" aria-live="polite" className="space-y-6">
        <span className="sr-only">Loading settings…</span>
        <div className="grid gap-6 xl:grid-cols-2">
          <div className="h-56 animate-pulse rounded-lg bg-zinc-100" />
          <div className="h-56 animate-pulse rounded-lg bg-zinc-100" />
        </div>
        <div className="h-64 animate-pulse rounded-lg bg-zinc-100" />
        <div className="h-64 animate-pulse rounded-lg bg-zinc-100" />
      </div>
    </>
  );
}
