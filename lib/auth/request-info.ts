import "server-only";
import { headers } from "next/headers";

/**
 * The client's IP and user agent for audit entries and rate limits. The first
 * X-Forwarded-For entry is used: Next.js sets the header from the socket when no proxy
 * does; behind a proxy, the proxy must overwrite (not append to) the header.
 */
export function clientIpFrom(h: { get(name: string): string | null }): string {
  const forwarded = h.get("x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  return first || h.get("x-real-ip") || "unknown";
}

export async function requestInfo(): Promise<{ ip: string; userAgent: string | null }> {
  const h = await headers();
  return { ip: clientIpFrom(h), userAgent: h.get("user-agent") };
}
