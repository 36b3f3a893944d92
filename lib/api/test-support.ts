import { db } from "@/lib/db";
import { generateKey } from "@/lib/keys/format";
import { PEER_ADDRESS_HEADER } from "@/lib/net/client-address";

// Test-only helpers for the /api/v1 route tests.

export async function insertRootKey(tenantId: string, permissions: string[]): Promise<string> {
  const generated = generateKey("kp_root");
  await db().rootKey.create({
    data: {
      tenantId,
      name: "test root key",
      hash: generated.hash,
      start: generated.start,
      last4: generated.last4,
      permissions,
    },
  });
  return generated.key;
}

export function post(
  url: string,
  body: unknown,
  options: { rootKey?: string; ip?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...options.headers,
  };
  if (options.rootKey) headers.authorization = `Bearer ${options.rootKey}`;
  // The address as the server entry hands it to Next.js: the socket's peer.
  if (options.ip) headers[PEER_ADDRESS_HEADER] = options.ip;
  return new Request(url, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}
