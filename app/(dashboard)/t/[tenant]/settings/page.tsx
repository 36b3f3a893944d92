import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/roles";
import { requireMember } from "@/lib/auth/session";
import { OwnersOnly } from "../_components/owners-only";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  if (!can(ctx.role, "settings:manage"))
    return <OwnersOnly title="Settings" what="change organization settings" />;
  return (
    <>
      <PageHeader
        title="Settings"
        description="Key prefix, scope catalog, expiry policies and root keys."
      />
      <Card>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-zinc-500">Organization</dt>
          <dd>{ctx.tenantName}</dd>
          <dt className="text-zinc-500">URL name</dt>
          <dd className="font-mono">{ctx.tenantSlug}</dd>
        </dl>
      </Card>
    </>
  );
}
