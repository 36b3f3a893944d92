import { PageHeader } from "@/components/ui/card";

/** What a member sees on a page their role may not use. */
export function OwnersOnly({
  title,
  what,
  who = "Only owners",
}: {
  title: string;
  what: string;
  who?: string;
}) {
  return (
    <>
      <PageHeader title={title} />
      <div
        role="alert"
        className="rounded-lg border border-amber-200 bg-amber-50 p-6 text-sm text-amber-900"
      >
        {who} can {what}. Ask an owner of this organization if you need a change.
      </div>
    </>
  );
}
