import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { env } from "@/lib/env";
import type { KeyLookup, VerifyOptions } from "@/lib/verify/engine";
import { CoalescedKeyLookup } from "@/lib/verify/coalesced-lookup";
import { loadKeyRecord } from "@/lib/verify/record";
import { loadKeyRecords } from "@/lib/verify/record-batch";
import type { VerifyContext } from "@/lib/verify/result";
import { UnknownKeyLimiter } from "./unknown-key-limiter";

/**
 * What unknown keys cost, and who pays. A verification of a key the cache does not hold
 * costs a database lookup; a flood of random well-formed keys would cost one each. The
 * rule:
 *  - cached keys (and cached unknown hashes) always answer at once, whatever the caller
 *    did before;
 *  - each end-client `ip` a root key reports in the verify body gets 100 unknown keys a
 *    minute looked up one by one, and the root key as a whole 1,000; past that (for
 *    that end client, or for the whole root key), or while 100 of the root key's own
 *    lookups are already in flight, the cache misses are coalesced:
 *    looked up together, one `hash = ANY($1)` query per 50 ms per instance, at most
 *    1,000 hashes each (lib/verify/coalesced-lookup.ts), and what they find is cached
 *    like any other answer (unknown hashes for 30 s);
 *  - nothing is ever refused for it: an existing key in the flood is found and answers
 *    as it would, at most about 50 ms later; no other root key (and so no other tenant)
 *    is affected, and the transport address plays no part (a tenant's backend is one
 *    address for all its traffic, so anything keyed on it lets a stranger slow the
 *    tenant down).
 * So a flood costs a few queries a second per instance instead of one per key. With
 * REDIS_URL the counts are shared by every instance (unknown-key-limiter.ts).
 */
export const NOT_FOUND_LIMIT_PER_MINUTE = 1_000;
/** Per end-client `ip` reported within a root key, and lookups in flight per root key. */
export const NOT_FOUND_LIMIT_PER_REPORTED_IP = 100;
export const MAX_SINGLE_LOOKUPS_IN_FLIGHT = 100;
/** How long a coalesced miss waits for others to share its query, and how many share it. */
export const COALESCE_WAIT_MS = 50;
export const COALESCE_MAX_BATCH = 1_000;

const REDIS_PREFIX = "keyplane:notfound:";

type Holder = {
  limiter?: UnknownKeyLimiter;
  coalesced?: CoalescedKeyLookup;
  namespace: string;
  /** Single lookups in flight per root key. */
  inFlight: Map<string, number>;
  stats: { singleLookups: number };
};
// One per process even if Next.js bundles this module more than once.
const scope = globalThis as { __keyplaneNotFoundLimiter?: Holder };
scope.__keyplaneNotFoundLimiter ??= {
  namespace: "",
  inFlight: new Map(),
  stats: { singleLookups: 0 },
};
const holder: Holder = scope.__keyplaneNotFoundLimiter;

function create(): UnknownKeyLimiter {
  const url = env().REDIS_URL;
  const limits = { limit: NOT_FOUND_LIMIT_PER_MINUTE, pairLimit: NOT_FOUND_LIMIT_PER_REPORTED_IP };
  if (!url) return new UnknownKeyLimiter(limits);
  // A slow Redis must not pile up pending counts: give up on a command after 1 s.
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
  });
  const subscriber = client.duplicate();
  client.on("error", () => {});
  subscriber.on("error", () => {});
  return new UnknownKeyLimiter({
    ...limits,
    redis: { client, subscriber, prefix: `${REDIS_PREFIX}${holder.namespace}` },
  });
}

function limiter(): UnknownKeyLimiter {
  holder.limiter ??= create();
  return holder.limiter;
}

function coalesced(): CoalescedKeyLookup {
  holder.coalesced ??= new CoalescedKeyLookup({
    loadMany: loadKeyRecords,
    waitMs: COALESCE_WAIT_MS,
    maxBatch: COALESCE_MAX_BATCH,
  });
  return holder.coalesced;
}

function addInFlight(rootKeyId: string, delta: number): number {
  const count = (holder.inFlight.get(rootKeyId) ?? 0) + delta;
  if (count > 0) holder.inFlight.set(rootKeyId, count);
  else holder.inFlight.delete(rootKeyId);
  return count;
}

/** One query for this hash, counted among the root key's lookups in flight. */
function singleLookup(rootKeyId: string): KeyLookup {
  return (hash) => {
    addInFlight(rootKeyId, 1);
    holder.stats.singleLookups++;
    return loadKeyRecord(hash).finally(() => addInFlight(rootKeyId, -1));
  };
}

/** The lookup for a cache miss of this caller (see the rule above); asked only on a miss. */
export function keyLookupFor(ctx: VerifyContext): KeyLookup {
  const over =
    limiter().isOverCap(ctx.rootKeyId, ctx.reportedIp) ||
    (holder.inFlight.get(ctx.rootKeyId) ?? 0) >= MAX_SINGLE_LOOKUPS_IN_FLIGHT;
  return over ? coalesced().load : singleLookup(ctx.rootKeyId);
}

/** The verify options of both verify routes: made once, so no request allocates them. */
export const VERIFY_OPTIONS: VerifyOptions = { lookupFor: keyLookupFor };

/** Counts a NOT_FOUND answer; the shared count is updated in the background. */
export function countNotFound(
  rootKeyId: string,
  reportedIp: string | undefined,
  now = Date.now(),
): void {
  limiter()
    .count(rootKeyId, reportedIp, now)
    .catch(() => {});
}

/** Database lookups made for cache misses in this process: single, and batch queries. */
export function keyLookupStats(): { single: number; batches: number } {
  return { single: holder.stats.singleLookups, batches: holder.coalesced?.batches ?? 0 };
}

/** Whether this caller's misses are coalesced now (tests, and the route's comments). */
export function isCoalescing(rootKeyId: string, reportedIp?: string): boolean {
  return limiter().isOverCap(rootKeyId, reportedIp);
}

/**
 * Tests only: forgets every count. The next limiter starts empty and, with Redis, counts
 * under a fresh key namespace, so counts from earlier runs (or other test processes on
 * the same Redis) are not seen.
 */
export function resetNotFoundLimiter(): void {
  void holder.limiter?.close();
  holder.limiter = undefined;
  holder.inFlight.clear();
  holder.namespace = `test-${randomBytes(6).toString("hex")}:`;
}
