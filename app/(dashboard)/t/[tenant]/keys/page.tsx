import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Keys" };

export default async function KeysPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  await requireMember(tenant);
  return (
    <>
      <PageHeader
        title="API keys"
        description="Issue, find, limit and revoke the keys your services accept."
      />
      <EmptyState title="No keys yet">Keys you create appear here.</EmptyState>
    </>
  );
}
