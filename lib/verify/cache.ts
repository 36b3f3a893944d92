import "server-only";
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
 */

export const POSITIVE_TTL_MS = 60_000;
export const NEGATIVE_TTL_MS = 30_000;
export const MAX_CACHED_KEYS = 100_000;

type CacheState = {
  entries: TtlLru<string, KeyRecord | null>;
  inFlight: Map<string, Promise<KeyRecord | null>>;
  epoch: number;
  unsubscribe?: () => void;
};

// On globalThis because Next.js may bundle this module more than once per process; the
// copies must share one cache so an eviction reaches all of them.
const scope = globalThis as { __keyplaneKeyCache?: CacheState };
scope.__keyplaneKeyCache ??= {
  entries: new TtlLru(MAX_CACHED_KEYS),
  inFlight: new Map(),
  epoch: 0,
};
const state: CacheState = scope.__keyplaneKeyCache;
state.unsubscribe ??= onKeyChanged((event) => invalidateKeyHashes(event.hashes));

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

/** The cached answer for a hash (a record, or null for a known-unknown hash); undefined on a miss. */
export function cachedKeyRecord(hash: string): KeyRecord | null | undefined {
  return state.entries.get(hash);
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
  const load = lookup(hash).then(
    (record) => {
      if (state.inFlight.get(hash) === load) state.inFlight.delete(hash);
      if (state.epoch === epoch) {
        state.entries.set(hash, record, record ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS);
      }
      return record;
    },
    (error: unknown) => {
      // Failures are never cached: the next call retries the database.
      if (state.inFlight.get(hash) === load) state.inFlight.delete(hash);
      throw error;
    },
  );
  state.inFlight.set(hash, load);
  return load;
}
