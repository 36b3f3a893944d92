import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { TenantContext } from "@/lib/auth/context";
import { signals } from "@/lib/usage/analytics";
import type { KeySignal } from "@/lib/usage/analytics-types";
import { SIGNAL_LABEL } from "./signal-badges";

/**
 * Keys showing what a leaked key looks like (a spike against its usual rate, client IPs
 * it has not used before, denials climbing), one line each with a link to the key.
 */
export async function NeedsAttention({ ctx }: { ctx: TenantContext }) {
  let found: KeySignal[];
  try {
    found = await signals(ctx);
  } catch (error) {
    console.error("usage signals query failed", error);
    return (
      <p
        role="alert"
        className="mb-6 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800"
      >
        The keys that need attention could not be checked. Reload the page to try again.
      </p>
    );
  }
  if (found.length === 0) {
    return (
      <p
        className="mb-6 rounded-md border border-zinc-200 bg-white px-4 py-3 text-sm text-zinc-600"
        data-testid="needs-attention"
      >
        No key needs attention: no traffic spikes, new client IPs or rising denials.
      </p>
    );
  }
  return (
    <section
      aria-labelledby="needs-attention-title"
      className="mb-6 rounded-lg border border-amber-200 bg-amber-50/60 p-4"
      data-testid="needs-attention"
    >
      <h2 id="needs-attention-title" className="text-sm font-semibold text-amber-950">
        Needs attention ({found.length})
      </h2>
      <p className="mt-0.5 text-xs text-amber-900">
        Signs a key may have leaked. Open the key to see its traffic, then roll or revoke it.
      </p>
      <ul className="mt-3 divide-y divide-amber-200/70">
        {found.map((signal) => (
          <li
            key={`${signal.keyId}-${signal.kind}`}
            className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm"
          >
            <Badge tone={signal.kind === "new_ips" ? "yellow" : "red"}>
              {SIGNAL_LABEL[signal.kind]}
            </Badge>
            <Link
              href={`/t/${ctx.tenantSlug}/keys/${encodeURIComponent(signal.keyId)}`}
              className="font-medium text-zinc-900 underline-offset-2 hover:underline"
            >
              {signal.name}
            </Link>
            <code className="font-mono text-xs text-zinc-500">{signal.display}</code>
            <span className="text-zinc-700">{signal.summary}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function NeedsAttentionSkeleton() {
  return (
    <div
      aria-busy="true"
      className="mb-6 h-12 animate-pulse rounded-md border border-zinc-200 bg-white"
    >
      <span className="sr-only">Checking keys that need attention…</span>
    </div>
  );
}
