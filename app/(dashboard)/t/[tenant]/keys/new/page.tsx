import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/roles";
import { requireMember } from "@/lib/auth/session";
import { listScopes } from "@/lib/tenants/scopes";
import { getTenantSettings } from "@/lib/tenants/settings";
import { OwnersOnly } from "../../_components/owners-only";
import { KeyForm } from "../_components/key-form";

export const metadata: Metadata = { title: "Create key" };

export default async function NewKeyPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  if (!can(ctx.role, "keys:write"))
    return <OwnersOnly title="Create key" who="Only owners and admins" what="create keys" />;
  const [scopes, policy] = await Promise.all([listScopes(ctx), getTenantSettings(ctx)]);
  return (
    <div className="max-w-3xl">
      <Link href={`/t/${tenant}/keys`} className="text-sm text-zinc-600 hover:underline">
        ← Keys
      </Link>
      <PageHeader
        title="Create key"
        description="The secret is shown once, when the key is created."
      />
      <KeyForm
        mode="create"
        tenant={tenant}
        policy={policy}
        scopes={scopes.map((s) => ({
          name: s.name,
          description: s.description,
          retired: s.retiredAt !== null,
        }))}
      />
    </div>
  );
}
