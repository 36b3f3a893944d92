import "server-only";
import { bearerToken, lookupRootKey } from "@/lib/api/auth";
import { type ApiReply, type Maybe, andThen, toResponse } from "@/lib/api/exchange";
import type { RootKeyAuth } from "@/lib/rootkeys/data";
import type { RootKeyPermission } from "@/lib/rootkeys/schemas";
import { v2ErrorReply } from "./envelope";

type HeaderSource = { headers: { get(name: string): string | null } };

/**
 * Root-key authentication with the v2 contract's statuses: 400 for a missing or
 * malformed Authorization header, 401 for an unknown or revoked root key, 403 for a
 * root key without the permission.
 */
type AuthenticatedV2 = { ok: true; auth: RootKeyAuth } | { ok: false; reply: ApiReply };

export function authenticateV2From(
  request: HeaderSource,
  requestId: string,
  permission: RootKeyPermission,
): Maybe<AuthenticatedV2> {
  const token = bearerToken(request);
  if (!token) {
    return {
      ok: false,
      reply: v2ErrorReply(
        request,
        requestId,
        400,
        "Authorization header must be 'Bearer <root key>'.",
        [
          {
            location: "header.authorization",
            message: "missing or malformed",
            fix: "Send Authorization: Bearer <root key>",
          },
        ],
      ),
    };
  }
  return andThen(lookupRootKey(token), (auth): AuthenticatedV2 => {
    if (!auth)
      return {
        ok: false,
        reply: v2ErrorReply(request, requestId, 401, "The root key is unknown or revoked."),
      };
    if (!auth.permissions.includes(permission)) {
      return {
        ok: false,
        reply: v2ErrorReply(
          request,
          requestId,
          403,
          `The root key lacks the ${permission} permission.`,
        ),
      };
    }
    return { ok: true, auth };
  });
}

/** authenticateV2From for a route handler's web Request. */
export async function authenticateV2(
  request: Request,
  requestId: string,
  permission: RootKeyPermission,
): Promise<{ ok: true; auth: RootKeyAuth } | { ok: false; response: Response }> {
  const result = await authenticateV2From(request, requestId, permission);
  return result.ok ? result : { ok: false, response: toResponse(result.reply) };
}
