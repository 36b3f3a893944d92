"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useTransition } from "react";

/**
 * Reads and writes table state in the URL's query string, so a filtered, sorted page
 * can be bookmarked, shared and reloaded. Updates navigate inside a transition; the
 * server renders the new page while the old one stays on screen.
 */
export function useUrlState() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [isPending, startTransition] = useTransition();

  const setParams = useCallback(
    (
      updates: Record<string, string | number | boolean | null | undefined>,
      options?: { resetPage?: boolean },
    ) => {
      const next = new URLSearchParams(searchParams.toString());
      for (const [key, value] of Object.entries(updates)) {
        if (value === null || value === undefined || value === "" || value === false)
          next.delete(key);
        else next.set(key, String(value));
      }
      if (options?.resetPage ?? true) next.delete("page");
      const query = next.toString();
      startTransition(() =>
        router.push(query ? `${pathname}?${query}` : pathname, { scroll: false }),
      );
    },
    [router, pathname, searchParams],
  );

  return { searchParams, setParams, isPending };
}
