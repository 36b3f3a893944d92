import { compileIpAllowlist, parseCidr } from "@/lib/verify/ip";

// The KEYPLANE_TRUSTED_PROXIES setting, parsed by lib/env.ts at start; how it is used is
// in client-address.ts.

/** The compiled trusted-proxy list; null when none is configured. */
export type TrustedProxies = { readonly text: string; readonly matches: (ip: string) => boolean };

export type ParseTrustedProxiesResult =
  | { ok: true; value: TrustedProxies | null }
  | { ok: false; error: string };

/**
 * Parses `KEYPLANE_TRUSTED_PROXIES`: addresses and CIDRs separated by commas (spaces
 * around them are allowed), in the strict syntax of the IP allowlist (lib/verify/ip.ts).
 * One bad entry refuses the whole setting: a proxy silently left out would make every
 * request look as if it came from the proxy.
 */
export function parseTrustedProxies(text: string | undefined): ParseTrustedProxiesResult {
  const entries = (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) return { ok: true, value: null };
  const cidrs: string[] = [];
  for (const entry of entries) {
    const parsed = parseCidr(entry);
    if (!parsed.ok) return { ok: false, error: `"${entry}": ${parsed.error}` };
    cidrs.push(parsed.value.text);
  }
  return { ok: true, value: { text: cidrs.join(", "), matches: compileIpAllowlist(cidrs) } };
}
