import { db } from "@/lib/db";
import { generateKey } from "@/lib/keys/format";

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
  if (options.ip) headers["x-forwarded-for"] = options.ip;
  return new Request(url, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}
