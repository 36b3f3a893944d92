"use client";

import { useSyncExternalStore } from "react";

function subscribe(): () => void {
  // The zone does not change while a page is open; nothing to listen to.
  return () => {};
}

function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * The viewer's IANA time zone. The server renders in UTC and the browser re-renders
 * with its own zone right after hydration, so the HTML never mismatches.
 */
export function useTimeZone(): string {
  return useSyncExternalStore(subscribe, viewerZone, () => "UTC");
}
