import "server-only";
import {
  databaseOutageSince,
  isConnectionError,
  LOOKUP_DEADLINE_MS,
  mayServeStale,
  onDatabaseRecovered,
  outageStaleMs,
  withDeadline,
} from "@/lib/db";
import { onKeyChanged } from "@/lib/keys/events";
import { TtlLru } from "./lru";
import { type KeyRecord, loadKeyRecord } from "./record";

/**
 * The in-process cache of key records by secret hash, negative answers included, so a
 * verify reaches PostgreSQL only on a miss. Freshness:
 *  - a change made through the key DAL evicts at once (`onKeyChanged`, same process);
 *  - other instances call `invalidateKeyHashes` from a transport (LISTEN/NOTIFY or Redis
 *    pub/sub, a later step);
 *  - the TTLs are the backstop: 60 s for found keys, 30 s for unknown hashes. An unknown
 *    hash can only become known by creating a key, whose secret nobody could have
 *    presented before, so the negative TTL only bounds memory churn.
 *
 * Concurrent misses for one hash share one database read (single flight). A read that
 * started before an invalidation is not stored afterwards: each invalidation bumps an
 * epoch, and a load stores its result only if the epoch is unchanged, so a record read
 * just before a revocation committed can never be cached after the revocation event.
 *
 * During a database outage (README "Outages"): while the database is known to be
 * unreachable (its circuit is open), a cached answer, fresh or not, is given for at most
 * KEYPLANE_OUTAGE_STALE_SECONDS counted from the first failed call, and a refresh that
 * fails for lost connectivity falls back to the cached answer within the same bound;
 * past it, nothing cached is given and the caller answers 503. An answer the database
 * gave (gone, revoked, changed) always replaces the cached one, and an eviction removes
 * the entry, so an outage can delay a change only this instance did not hear about.
 * Entries are kept POSITIVE_TTL_MS (or NEGATIVE_TTL_MS) plus that bound, so a key used
 * before the outage still has its entry; they are fresh only for the TTL.
 */

export const POSITIVE_TTL_MS = 60_000;
export const NEGATIVE_TTL_MS = 30_000;
export const MAX_CACHED_KEYS = 100_000;
type Entry = {
  record: KeyRecord | null;
  /** When the database was asked for it (epoch ms). */
  fetchedAt: number;
  /** Fresh until then; after that it is reloaded, or served stale during an outage. */
  freshUntil: number;
};

type CacheState = {
  entries: TtlLru<string, Entry>;
  inFlight: Map<string, Promise<KeyRecord | null>>;
  epoch: number;
  /**
   * Entries read before this instant are not fresh, whatever their TTL: the invalidation
   * transport moves it forward while it cannot hear changes (see invalidation.ts).
   */
  freshAfter: number;
  unsubscribe?: () => void;
  unsubscribeRecovery?: () => void;
};

// On globalThis because Next.js may bundle this module more than once per process; the
// copies must share one cache so an eviction reaches all of them.
const scope = globalThis as { __keyplaneKeyCache?: CacheState };
scope.__keyplaneKeyCache ??= {
  entries: new TtlLru(MAX_CACHED_KEYS),
  inFlight: new Map(),
  epoch: 0,
  freshAfter: 0,
};
const state: CacheState = scope.__keyplaneKeyCache;
state.unsubscribe ??= onKeyChanged((event) => invalidateKeyHashes(event.hashes));
// Whatever changed while the database was unreachable (on another instance, unheard here)
// is read again once it answers: the cache starts over.
state.unsubscribeRecovery ??= onDatabaseRecovered(() => clearKeyCache());

/** Drops the cached answers for these hashes; safe to call from any transport. */
export function invalidateKeyHashes(hashes: readonly string[]): void {
  state.epoch++;
  for (const hash of hashes) {
    state.entries.delete(hash);
    state.inFlight.delete(hash);
  }
}

/** Drops everything (tests, and a transport that lost messages and must resync). */
export function clearKeyCache(): void {
  state.epoch++;
  state.entries.clear();
  state.inFlight.clear();
}

/**
 * Every entry read before now stops being fresh: the next call for it reads the
 * database again (and during an outage gets the stale answer within the bound). For a
 * transport that may have missed messages; cheaper than clearing, and it keeps the
 * entries an outage may need.
 */
export function expireKeyCache(): void {
  state.freshAfter = Date.now();
}

/**
 * The cached answer for a hash (a record, or null for a known-unknown hash); undefined on
 * a miss, on an entry that is no longer fresh, and on everything during an outage once
 * the serve-stale bound has passed. The hot path: one clock read, no allocation.
 */
export function cachedKeyRecord(hash: string): KeyRecord | null | undefined {
  const now = Date.now();
  const entry = state.entries.get(hash, now);
  if (entry === undefined) return undefined;
  const outageSince = databaseOutageSince();
  if (outageSince === 0) {
    return entry.freshUntil > now && entry.fetchedAt >= state.freshAfter ? entry.record : undefined;
  }
  return now - outageSince <= outageStaleMs() ? entry.record : undefined;
}

/** The record for a hash, null for an unknown hash; throws when the database is down. */
export async function getKeyRecord(hash: string): Promise<KeyRecord | null> {
  const cached = cachedKeyRecord(hash);
  return cached !== undefined ? cached : loadKeyRecordThroughCache(hash);
}

/**
 * The record for a hash from the database, through the cache's single flight. `lookup`
 * is how the database is asked: one query per hash by default, or a batched lookup for
 * callers over their unknown-key cap (see lib/verify/coalesced-lookup.ts).
 */
export function loadKeyRecordThroughCache(
  hash: string,
  lookup: (hash: string) => Promise<KeyRecord | null> = loadKeyRecord,
): Promise<KeyRecord | null> {
  const pending = state.inFlight.get(hash);
  if (pending) return pending;
  const epoch = state.epoch;
  const fetchedAt = Date.now();
  const load = withDeadline(lookup(hash), LOOKUP_DEADLINE_MS).then(
    (record) => {
      if (state.inFlight.get(hash) === load) state.inFlight.delete(hash);
      if (state.epoch === epoch) {
        const ttl = record ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS;
        const entry: Entry = { record, fetchedAt, freshUntil: fetchedAt + ttl };
        state.entries.set(hash, entry, ttl + outageStaleMs(), fetchedAt);
      }
      return record;
    },
    (error: unknown) => {
      // Failures are never cached: the next call retries the database.
      if (state.inFlight.get(hash) === load) state.inFlight.delete(hash);
      // Lost connectivity: the last answer the database gave, within the outage bound.
      if (isConnectionError(error)) {
        const now = Date.now();
        const entry = mayServeStale(now) ? state.entries.get(hash, now) : undefined;
        if (entry !== undefined) return entry.record;
      }
      throw error;
    },
  );
  state.inFlight.set(hash, load);
  return load;
}
