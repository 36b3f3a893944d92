import "server-only";
import { hashKey } from "@/lib/keys/format";
import { authenticateRootKey, type RootKeyAuth } from "@/lib/rootkeys/data";
import type { RootKeyPermission } from "@/lib/rootkeys/schemas";
import {
  DatabaseUnavailableError,
  databaseOutageSince,
  isConnectionError,
  LOOKUP_DEADLINE_MS,
  mayServeStale,
  onDatabaseRecovered,
  outageStaleMs,
  withDeadline,
} from "@/lib/db";
import { TtlLru } from "@/lib/verify/lru";
import { type ApiReply, type Maybe, andThen, toResponse } from "./exchange";
import { apiErrorReply } from "./responses";

/**
 * Root-key authentication for /api/v1. The answer of `authenticateRootKey` is cached by
 * bearer token for ROOT_KEY_TTL_MS, unknown tokens included, so the hot path does not
 * query PostgreSQL per call. lib/rootkeys emits no revocation event, so a revoked root
 * key keeps working for at most 5 seconds on each instance; that bound is deliberate
 * (short enough for an incident, long enough to take the query off the hot path).
 *
 * During a database outage the same rule as for keys applies (lib/verify/cache.ts,
 * README "Outages"): while the database is known to be unreachable, a cached root key
 * keeps answering for at most KEYPLANE_OUTAGE_STALE_SECONDS from the first failed call,
 * and a refresh that fails for lost connectivity falls back to it within that bound.
 * An answer from the database (unknown, revoked) always replaces the cached one.
 */
export const ROOT_KEY_TTL_MS = 5_000;

type Entry = { auth: RootKeyAuth | null; freshUntil: number };
type Holder = { cache: TtlLru<string, Entry>; unsubscribeRecovery?: () => void };
const scope = globalThis as { __keyplaneRootKeyCache?: Holder };
scope.__keyplaneRootKeyCache ??= { cache: new TtlLru(10_000) };
const holder = scope.__keyplaneRootKeyCache;
const cache = holder.cache;

export function clearRootKeyCache(): void {
  cache.clear();
}

// Root keys changed on another instance while this one could not read them are read
// again once the database answers (once per process, however often this is bundled).
holder.unsubscribeRecovery ??= onDatabaseRecovered(clearRootKeyCache);

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of `Authorization: Bearer <token>`, or null when the header is absent or malformed. */
export function bearerToken(request: {
  headers: { get(name: string): string | null };
}): string | null {
  return BEARER.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;
}

/**
 * The root key behind a bearer token, from the short-lived cache (at once) or the
 * database; null if unknown. Rejects when the database cannot be reached and nothing
 * cached may be served.
 */
export function lookupRootKey(token: string): Maybe<RootKeyAuth | null> {
  // Keyed by hash so no plaintext root key lingers in a long-lived map.
  const id = hashKey(token);
  const now = Date.now();
  const cached = cache.get(id, now);
  if (cached !== undefined) {
    const outageSince = databaseOutageSince();
    if (outageSince === 0 ? cached.freshUntil > now : now - outageSince <= outageStaleMs())
      return cached.auth;
  }
  // Known unreachable and nothing to serve: fail now, not after a timeout.
  if (databaseOutageSince() !== 0)
    return Promise.reject(new DatabaseUnavailableError("The database cannot be reached."));
  return withDeadline(authenticateRootKey(token), LOOKUP_DEADLINE_MS).then(
    (auth) => {
      const fetchedAt = Date.now();
      cache.set(
        id,
        { auth, freshUntil: fetchedAt + ROOT_KEY_TTL_MS },
        ROOT_KEY_TTL_MS + outageStaleMs(),
      );
      return auth;
    },
    (error: unknown) => {
      const later = Date.now();
      const entry =
        isConnectionError(error) && mayServeStale(later) ? cache.get(id, later) : undefined;
      if (entry !== undefined) return entry.auth;
      throw error;
    },
  );
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
