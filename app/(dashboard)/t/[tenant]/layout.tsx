import Link from "next/link";
import type { ReactNode } from "react";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { listMyTenants, requireMember, requireUser } from "@/lib/auth/session";
import { SidebarNav } from "./_components/sidebar-nav";
import { SignOutButton } from "./_components/sign-out-button";
import { TenantSwitcher } from "./_components/tenant-switcher";

export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant } = await params;
  const ctx = await requireMember(tenant);
  const user = await requireUser();
  const tenants = await listMyTenants(user.id);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="flex shrink-0 flex-col border-b border-zinc-200 bg-white md:w-60 md:border-r md:border-b-0">
        <div className="border-b border-zinc-200 p-3">
          <TenantSwitcher
            current={{ slug: ctx.tenantSlug, name: ctx.tenantName }}
            tenants={tenants}
          />
        </div>
        <SidebarNav slug={ctx.tenantSlug} />
        <div className="mt-auto border-t border-zinc-200 p-3 text-sm">
          <p className="truncate font-medium" title={user.email}>
            {user.name}
          </p>
          <p className="truncate text-xs text-zinc-500">
            {user.email} · <span data-testid="current-role">{ROLE_LABELS[ctx.role]}</span>
          </p>
          <div className="flex items-baseline gap-3">
            <Link
              href="/account"
              className="mt-2 text-sm text-zinc-600 underline hover:text-zinc-900"
            >
              Account
            </Link>
            <SignOutButton />
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8">{children}</main>
    </div>
  );
}
