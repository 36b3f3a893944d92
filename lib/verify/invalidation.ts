import "server-only";
import { env } from "@/lib/env";
import { onKeyChanged } from "@/lib/keys/events";
import { clearKeyCache, expireKeyCache, invalidateKeyHashes } from "./cache";
import {
  type InvalidationHandlers,
  type InvalidationTransport,
  type InvalidationTransportKind,
  PgInvalidationTransport,
  RedisInvalidationTransport,
} from "./invalidation-transports";

/**
 * Cross-instance cache invalidation: the published bound is "a revocation, suspension or
 * edit made on one instance is visible on every other instance within 1 second".
 *
 * - Transport: Redis pub/sub when REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY when
 *   DATABASE_URL is set, else none (PGlite is a single process; the in-process
 *   `onKeyChanged` eviction in cache.ts is all there is to do).
 * - Publishing: every committed key change (`onKeyChanged`, fired by the key DAL after
 *   commit) is sent with this process's instance id; this process ignores its own copy.
 * - Receiving: another instance's hashes are evicted with `invalidateKeyHashes`, whose
 *   epoch also stops an in-flight read of the old record from being cached afterwards.
 *   Measured delivery is a few milliseconds on one host (see invalidation.test.ts and
 *   e2e/instances.spec.ts), far inside the 1 s bound.
 * - While the subscription is down, messages are lost, so the bound is kept another way:
 *   every cached entry stops being fresh at once and then every DEGRADED_CLEAR_MS (1 s)
 *   until the subscription is back, i.e. each cached answer is read again from the
 *   database after at most 1 s (a database read per key per second instead of per
 *   minute), and the cache is cleared on reconnect to drop anything read while a message
 *   could have been missed. The entries are kept rather than cleared: when the
 *   subscription dropped because the database itself cannot be reached (LISTEN/NOTIFY),
 *   the reads fail and the cache serves its last answers within the outage bound
 *   (KEYPLANE_OUTAGE_STALE_SECONDS, see cache.ts) instead of answering 503 at once.
 * - A publish that fails is retried with backoff for up to the positive cache TTL
 *   (60 s); after that no instance can still hold the record the change invalidated.
 *   Limit: an instance whose *publisher* alone is cut off while the others stay
 *   connected delays their eviction until its publish gets through (at most 60 s).
 */

export const DEGRADED_CLEAR_MS = 1_000;

export type InvalidationStatus = {
  transport: InvalidationTransportKind | "none";
  connected: boolean;
  instanceId: string | null;
};

type State = {
  transport: InvalidationTransport | null;
  started: boolean;
  degradedTimer: NodeJS.Timeout | null;
  unsubscribe?: () => void;
};

// One per process even if Next.js bundles this module several times (instrumentation and
// route handlers are separate bundles); a second subscriber would double the traffic.
const scope = globalThis as { __keyplaneInvalidation?: State };
scope.__keyplaneInvalidation ??= { transport: null, started: false, degradedTimer: null };
const state: State = scope.__keyplaneInvalidation;

function enterDegraded(): void {
  expireKeyCache();
  if (state.degradedTimer) return;
  state.degradedTimer = setInterval(expireKeyCache, DEGRADED_CLEAR_MS);
  state.degradedTimer.unref();
}

function leaveDegraded(): void {
  if (state.degradedTimer) clearInterval(state.degradedTimer);
  state.degradedTimer = null;
}

const handlers: InvalidationHandlers = {
  onHashes: (hashes) => invalidateKeyHashes(hashes),
  onResync: () => {
    leaveDegraded();
    clearKeyCache();
  },
  onStatus: (connected) => {
    if (!connected) {
      console.error(
        "[invalidation] subscription lost; cached keys are re-read after 1 s until it is back",
      );
      enterDegraded();
    }
  },
};

/** Builds the transport from the handlers; tests pass one that goes through a proxy. */
export type TransportFactory = (handlers: InvalidationHandlers) => InvalidationTransport | null;

function createTransport(): InvalidationTransport | null {
  const { REDIS_URL, DATABASE_URL } = env();
  if (REDIS_URL) return new RedisInvalidationTransport(REDIS_URL, handlers);
  if (DATABASE_URL) return new PgInvalidationTransport(DATABASE_URL, handlers);
  return null;
}

/**
 * Starts the subscriber and the publisher for this process; idempotent. Called from
 * instrumentation.ts at server start, so the first verify already has a live subscription.
 */
export function startInvalidation(
  options: { transport?: TransportFactory } = {},
): InvalidationStatus {
  if (!state.started) {
    state.started = true;
    state.transport = options.transport ? options.transport(handlers) : createTransport();
    const transport = state.transport;
    if (transport) {
      // Until the first subscription is live nothing can be received: same rule as an
      // outage (the cache is empty at start, so this costs nothing).
      enterDegraded();
      state.unsubscribe = onKeyChanged((event) => {
        transport.publish(event.hashes).catch((error: unknown) => {
          console.error(
            "[invalidation] could not publish a key change:",
            error instanceof Error ? error.message : error,
          );
        });
      });
    }
  }
  return invalidationStatus();
}

export function invalidationStatus(): InvalidationStatus {
  const transport = state.transport;
  return {
    transport: transport?.kind ?? "none",
    connected: transport ? transport.connected : true,
    instanceId: transport?.instanceId ?? null,
  };
}

/** Tests and shutdown: stops the subscriber and forgets the transport. */
export async function stopInvalidation(): Promise<void> {
  state.unsubscribe?.();
  state.unsubscribe = undefined;
  leaveDegraded();
  const transport = state.transport;
  state.transport = null;
  state.started = false;
  await transport?.close();
}
