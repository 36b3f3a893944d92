import { PageHeader } from "@/components/ui/card";

export function OwnersOnly({ title, what }: { title: string; what: string }) {
  return (
    <>
      <PageHeader title={title} />
      <div
        role="alert"
        className="rounded-lg border border-amber-200 bg-amber-50 p-6 text-sm text-amber-900"
      >
        Only owners can {what}. Ask an owner of this organization if you need a change.
      </div>
    </>
  );
}
