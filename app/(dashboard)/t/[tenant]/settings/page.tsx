import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { SectionCard } from "@/components/ui/section-card";
import { can } from "@/lib/auth/roles";
import { requireMember } from "@/lib/auth/session";
import { listRootKeys } from "@/lib/rootkeys/data";
import { listScopes } from "@/lib/tenants/scopes";
import { getTenantSettings } from "@/lib/tenants/settings";
import { OwnersOnly } from "../_components/owners-only";
import { CreateRootKeyForm } from "./_components/create-root-key-form";
import { ExpiryPolicyForm } from "./_components/expiry-policy-form";
import { KeyPrefixForm } from "./_components/key-prefix-form";
import { RootKeysTable } from "./_components/root-keys-table";
import { ScopeCatalog } from "./_components/scope-catalog";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  if (!can(ctx.role, "settings:manage"))
    return <OwnersOnly title="Settings" what="change organization settings" />;
  const [settings, scopes, rootKeys] = await Promise.all([
    getTenantSettings(ctx),
    listScopes(ctx, { includeRetired: true }),
    listRootKeys(ctx),
  ]);
  const slug = ctx.tenantSlug;
  return (
    <>
      <PageHeader
        title="Settings"
        description={`Key prefix, expiry policies, scope catalog and root keys of ${ctx.tenantName}.`}
      />
      <div className="space-y-6">
        <div className="grid gap-6 xl:grid-cols-2">
          <SectionCard
            id="key-prefix"
            title="Key prefix"
            description="The start of every new key, so people and secret scanners can tell your keys apart."
          >
            <KeyPrefixForm tenant={slug} prefix={settings.keyPrefix} />
          </SectionCard>
          <SectionCard
            id="expiry-policies"
            title="Expiry policies"
            description="How long keys live unless someone says otherwise, and how long they may live at most."
          >
            <ExpiryPolicyForm
              tenant={slug}
              defaultExpiryDays={settings.defaultExpiryDays}
              maxLifetimeDays={settings.maxLifetimeDays}
              requireExpiry={settings.requireExpiry}
            />
          </SectionCard>
        </div>
        <SectionCard
          id="scope-catalog"
          title="Scope catalog"
          description="The scopes keys can be given. Retiring a scope stops new grants; keys that hold it keep working."
        >
          <ScopeCatalog
            tenant={slug}
            scopes={scopes.map((scope) => ({
              id: scope.id,
              name: scope.name,
              description: scope.description,
              isRetired: scope.retiredAt !== null,
            }))}
          />
        </SectionCard>
        <SectionCard
          id="root-keys"
          title="Root keys"
          description="Management keys for your services: they call the verify and management APIs. Each is shown once, when created."
        >
          <div className="space-y-6">
            <RootKeysTable tenant={slug} rootKeys={rootKeys} />
            <div className="rounded-md border border-zinc-200 p-4">
              <h3 className="mb-3 text-sm font-semibold">Create a root key</h3>
              <CreateRootKeyForm tenant={slug} />
            </div>
          </div>
        </SectionCard>
      </div>
    </>
  );
}
