import { vi } from "vitest";
import type { TenantContext } from "@/lib/auth/context";

// Server actions under test, called as the browser calls them (FormData in, ActionState
// out) with everything after the session real: role checks, zod, the DAL. A test file
// puts this module in place of the session and of Next.js's request-bound helpers:
//
//   vi.mock("@/lib/auth/session", () => import("@/lib/testing/action-session"));
//   vi.mock("next/cache", () => import("@/lib/testing/action-session"));
//   vi.mock("next/navigation", () => import("@/lib/testing/action-session"));
//
// and picks who is signed in with actAs().

let current: TenantContext | null = null;

/** The member the next actions run as; null: nobody is signed in. */
export function actAs(ctx: TenantContext | null): void {
  current = ctx;
}

export async function loadTenantContext(): Promise<TenantContext> {
  if (!current) throw new Error("no session in this test");
  return current;
}

export const revalidatePath = vi.fn();
export const redirect = vi.fn();
export const notFound = vi.fn();
