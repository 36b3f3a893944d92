import "server-only";
import { headers } from "next/headers";
import { clientAddressFrom } from "@/lib/net/client-address";

/**
 * The client's address for audit entries and sign-in limits: the socket's peer written
 * by the server entry, stepped back through X-Forwarded-For only over the trusted
 * proxies (lib/net/client-address.ts). Never the header's first entry: the client
 * writes that one.
 */
export function clientIpFrom(h: { get(name: string): string | null }): string {
  return clientAddressFrom(h);
}

export async function requestInfo(): Promise<{ ip: string; userAgent: string | null }> {
  const h = await headers();
  return { ip: clientIpFrom(h), userAgent: h.get("user-agent") };
}
