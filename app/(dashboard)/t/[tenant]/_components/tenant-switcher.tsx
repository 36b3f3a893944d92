import Link from "next/link";
import { ROLE_LABELS, type Role } from "@/lib/auth/roles";

type TenantLink = { slug: string; name: string; role: Role };

export function TenantSwitcher({
  current,
  tenants,
}: {
  current: { slug: string; name: string };
  tenants: TenantLink[];
}) {
  return (
    <details className="group relative">
      <summary className="flex cursor-pointer list-none items-center justify-between rounded-md px-2 py-1.5 hover:bg-zinc-100">
        <span className="min-w-0">
          <span className="block text-xs text-zinc-500">Organization</span>
          <span className="block truncate font-semibold" data-testid="current-tenant">
            {current.name}
          </span>
        </span>
        <span aria-hidden className="text-zinc-400 group-open:rotate-180">
          ▾
        </span>
      </summary>
      <ul className="absolute z-20 mt-1 w-full rounded-md border border-zinc-200 bg-white py-1 shadow-lg">
        {tenants.map((t) => (
          <li key={t.slug}>
            <Link
              href={`/t/${t.slug}/keys`}
              aria-current={t.slug === current.slug ? "true" : undefined}
              className="flex items-center justify-between px-3 py-2 text-sm hover:bg-zinc-100"
            >
              <span className="truncate">{t.name}</span>
              <span className="text-xs text-zinc-500">{ROLE_LABELS[t.role]}</span>
            </Link>
          </li>
        ))}
        <li className="border-t border-zinc-100">
          <Link href="/new" className="block px-3 py-2 text-sm text-zinc-700 hover:bg-zinc-100">
            + New organization
          </Link>
        </li>
      </ul>
    </details>
  );
}
