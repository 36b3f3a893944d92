import type { TenantContext } from "@/lib/auth/context";
import { signals } from "@/lib/usage/analytics";
import { SignalBadges } from "../../../usage/_components/signal-badges";

/** This key's leak signals as badges, or "none". */
export async function KeySignals({ ctx, keyId }: { ctx: TenantContext; keyId: string }) {
  try {
    const found = await signals(ctx, { keyId });
    if (found.length === 0) return <span className="text-zinc-500">none</span>;
    return <SignalBadges signals={found} />;
  } catch (error) {
    console.error("key signals query failed", error);
    return <span className="text-zinc-500">could not be checked</span>;
  }
}
