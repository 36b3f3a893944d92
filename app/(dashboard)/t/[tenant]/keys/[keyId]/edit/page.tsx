import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/roles";
import { requireMember } from "@/lib/auth/session";
import { listScopes } from "@/lib/tenants/scopes";
import { getTenantSettings } from "@/lib/tenants/settings";
import { OwnersOnly } from "../../../_components/owners-only";
import { formatDateTime } from "../../_components/format";
import { KeyForm } from "../../_components/key-form";
import { loadKeyOr404 } from "../../_components/load-key";

export const metadata: Metadata = { title: "Edit key" };

export default async function EditKeyPage({
  params,
}: {
  params: Promise<{ tenant: string; keyId: string }>;
}) {
  const { tenant, keyId } = await params;
  const ctx = await requireMember(tenant);
  const key = await loadKeyOr404(ctx, keyId);
  if (!can(ctx.role, "keys:write"))
    return <OwnersOnly title="Edit key" who="Only owners and admins" what="change keys" />;
  const [scopes, policy] = await Promise.all([
    listScopes(ctx, { includeRetired: true }),
    getTenantSettings(ctx),
  ]);
  return (
    <div className="max-w-3xl">
      <Link href={`/t/${tenant}/keys/${key.id}`} className="text-sm text-zinc-600 hover:underline">
        ← {key.name}
      </Link>
      <PageHeader
        title={`Edit ${key.name}`}
        description={`Key ${key.display}. Changes apply to the next verification.`}
      />
      <KeyForm
        mode="edit"
        tenant={tenant}
        keyId={key.id}
        policy={policy}
        scopes={scopes.map((s) => ({
          name: s.name,
          description: s.description,
          retired: s.retiredAt !== null,
        }))}
        initial={{
          name: key.name,
          description: key.description,
          tags: key.tags,
          scopes: key.scopes,
          rateLimitPerMinute: key.rateLimits.perMinute ?? undefined,
          rateLimitPerHour: key.rateLimits.perHour ?? undefined,
          rateLimitPerDay: key.rateLimits.perDay ?? undefined,
          budgetCents: key.budget?.limitCents,
          budgetPeriod: key.budget?.period,
          ipAllowlist: key.ipAllowlist,
          allowedEndpoints: key.allowedEndpoints,
          allowedResources: key.allowedResources,
          metadata: key.metadata ? JSON.stringify(key.metadata, null, 2) : "",
          hasExpiry: key.expiresAt !== null,
          expiresAtText: formatDateTime(key.expiresAt),
        }}
      />
    </div>
  );
}
