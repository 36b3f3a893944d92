"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const ITEMS = [
  { href: "keys", label: "Keys" },
  { href: "usage", label: "Usage" },
  { href: "audit", label: "Audit" },
  { href: "members", label: "Members" },
  { href: "settings", label: "Settings" },
  { href: "api", label: "API" },
] as const;

export function SidebarNav({ slug }: { slug: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex gap-1 overflow-x-auto p-2 md:flex-col">
      {ITEMS.map((item) => {
        const href = `/t/${slug}/${item.href}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={item.href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-2 text-sm font-medium",
              active ? "bg-zinc-900 text-white" : "text-zinc-700 hover:bg-zinc-100",
            )}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
