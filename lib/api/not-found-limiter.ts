import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { env } from "@/lib/env";
import { UnknownKeyLimiter } from "./unknown-key-limiter";

/**
 * Caps NOT_FOUND answers per root key and per caller IP (100 a minute each). Once a caller
 * is over the cap, every verification from it is refused with 429 for the rest of the
 * window, not only the unknown keys: refusing just the NOT_FOUND answers would tell a
 * brute-forcer which of its guesses exist (200 vs 429). With REDIS_URL the cap is shared
 * by every instance; how, and what happens while Redis is down, is in
 * unknown-key-limiter.ts.
 */
export const NOT_FOUND_LIMIT_PER_MINUTE = 100;

const REDIS_PREFIX = "keyplane:notfound:";

type Holder = { limiter?: UnknownKeyLimiter; namespace: string };
// One per process even if Next.js bundles this module more than once.
const scope = globalThis as { __keyplaneNotFoundLimiter?: Holder };
scope.__keyplaneNotFoundLimiter ??= { namespace: "" };
const holder: Holder = scope.__keyplaneNotFoundLimiter;

function create(): UnknownKeyLimiter {
  const url = env().REDIS_URL;
  if (!url) return new UnknownKeyLimiter({ limit: NOT_FOUND_LIMIT_PER_MINUTE });
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
    limit: NOT_FOUND_LIMIT_PER_MINUTE,
    redis: { client, subscriber, prefix: `${REDIS_PREFIX}${holder.namespace}` },
  });
}

function limiter(): UnknownKeyLimiter {
  holder.limiter ??= create();
  return holder.limiter;
}

/** Seconds until the caller may verify again, or 0 when it is under the cap. */
export function notFoundRetryAfter(rootKeyId: string, ip: string, now = Date.now()): number {
  return limiter().retryAfter(rootKeyId, ip, now);
}

/** Counts a NOT_FOUND answer; the shared count is updated in the background. */
export function countNotFound(rootKeyId: string, ip: string, now = Date.now()): void {
  limiter()
    .count(rootKeyId, ip, now)
    .catch(() => {});
}

/**
 * Tests only: forgets every count. The next limiter starts empty and, with Redis, counts
 * under a fresh key namespace, so counts from earlier runs (or other test processes on
 * the same Redis) are not seen.
 */
export function resetNotFoundLimiter(): void {
  void holder.limiter?.close();
  holder.limiter = undefined;
  holder.namespace = `test-${randomBytes(6).toString("hex")}:`;
}
