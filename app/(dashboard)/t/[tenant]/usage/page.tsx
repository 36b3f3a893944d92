import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  await requireMember(tenant);
  return (
    <>
      <PageHeader
        title="Usage"
        description="Requests, denials, cost and tokens across your keys."
      />
      <EmptyState title="No usage yet">
        Charts appear once your services start verifying keys.
      </EmptyState>
    </>
  );
}
