import "server-only";
import { hashKey } from "@/lib/keys/format";
import { authenticateRootKey, type RootKeyAuth } from "@/lib/rootkeys/data";
import type { RootKeyPermission } from "@/lib/rootkeys/schemas";
import { TtlLru } from "@/lib/verify/lru";
import { type ApiReply, type Maybe, andThen, toResponse } from "./exchange";
import { apiErrorReply } from "./responses";

/**
 * Root-key authentication for /api/v1. The answer of `authenticateRootKey` is cached by
 * bearer token for ROOT_KEY_TTL_MS, unknown tokens included, so the hot path does not
 * query PostgreSQL per call. lib/rootkeys emits no revocation event, so a revoked root
 * key keeps working for at most 5 seconds on each instance; that bound is deliberate
 * (short enough for an incident, long enough to take the query off the hot path).
 */
export const ROOT_KEY_TTL_MS = 5_000;

type Holder = { cache: TtlLru<string, RootKeyAuth | null> };
const scope = globalThis as { __keyplaneRootKeyCache?: Holder };
scope.__keyplaneRootKeyCache ??= { cache: new TtlLru(10_000) };
const cache = scope.__keyplaneRootKeyCache.cache;

export function clearRootKeyCache(): void {
  cache.clear();
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of `Authorization: Bearer <token>`, or null when the header is absent or malformed. */
export function bearerToken(request: {
  headers: { get(name: string): string | null };
}): string | null {
  return BEARER.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;
}

/**
 * The root key behind a bearer token, from the short-lived cache (at once) or the
 * database; null if unknown.
 */
export function lookupRootKey(token: string): Maybe<RootKeyAuth | null> {
  // Keyed by hash so no plaintext root key lingers in a long-lived map.
  const id = hashKey(token);
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  return authenticateRootKey(token).then((auth) => {
    cache.set(id, auth, ROOT_KEY_TTL_MS);
    return auth;
  });
}

export type Authenticated = { ok: true; auth: RootKeyAuth } | { ok: false; response: Response };
export type AuthenticatedReply = { ok: true; auth: RootKeyAuth } | { ok: false; reply: ApiReply };

/** 401 without a known root key, 403 without `permission`; throws if the DB is down. */
export function authenticateFrom(
  request: { headers: { get(name: string): string | null } },
  permission: RootKeyPermission,
): Maybe<AuthenticatedReply> {
  const token = bearerToken(request);
  if (!token) {
    return {
      ok: false,
      reply: apiErrorReply("UNAUTHORIZED", "Send a root key: Authorization: Bearer <root key>."),
    };
  }
  return andThen(lookupRootKey(token), (auth): AuthenticatedReply => {
    if (auth === null) {
      return { ok: false, reply: apiErrorReply("UNAUTHORIZED", "Unknown or revoked root key.") };
    }
    if (!auth.permissions.includes(permission)) {
      return {
        ok: false,
        reply: apiErrorReply("FORBIDDEN", `This root key lacks the ${permission} permission.`),
      };
    }
    return { ok: true, auth };
  });
}

/** authenticateFrom for a route handler's web Request. */
export async function authenticate(
  request: Request,
  permission: RootKeyPermission,
): Promise<Authenticated> {
  const result = await authenticateFrom(request, permission);
  return result.ok ? result : { ok: false, response: toResponse(result.reply) };
}
