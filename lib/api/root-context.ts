import "server-only";
import type { TenantContext } from "@/lib/auth/context";
import { clientIpFrom } from "@/lib/auth/request-info";
import { authenticateRootKey } from "@/lib/rootkeys/data";
import type { RootKeyPermission } from "@/lib/rootkeys/schemas";
import { bearerToken } from "./auth";
import { apiError } from "./responses";

/**
 * Authenticates `Authorization: Bearer <root key>` and checks one permission. The
 * returned context acts as the root key inside its own tenant: the data-access layer
 * sees an ADMIN for keys:write and a VIEWER otherwise, and audits the root key by name.
 */
export async function authenticateApiRequest(
  request: Request,
  permission: RootKeyPermission,
): Promise<{ ok: true; ctx: TenantContext } | { ok: false; response: Response }> {
  const token = bearerToken(request);
  if (!token) {
    return {
      ok: false,
      response: apiError("UNAUTHORIZED", "Send a root key as Authorization: Bearer <root key>."),
    };
  }
  // Uncached on purpose: management calls are rare, and a revoked root key must stop at once.
  const rootKey = await authenticateRootKey(token);
  if (!rootKey)
    return { ok: false, response: apiError("UNAUTHORIZED", "The root key is unknown or revoked.") };
  if (!rootKey.permissions.includes(permission)) {
    return {
      ok: false,
      response: apiError("FORBIDDEN", `The root key lacks the ${permission} permission.`),
    };
  }
  return {
    ok: true,
    ctx: {
      tenantId: rootKey.tenantId,
      tenantSlug: "",
      tenantName: "",
      role: rootKey.permissions.includes("keys:write") ? "ADMIN" : "VIEWER",
      actor: {
        type: "ROOT_KEY",
        id: rootKey.rootKeyId,
        label: rootKey.name,
        ip: clientIpFrom(request.headers),
        userAgent: request.headers.get("user-agent"),
      },
    },
  };
}
