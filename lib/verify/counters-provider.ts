import "server-only";
import { Redis } from "ioredis";
import { env } from "@/lib/env";
import { type Counters, MemoryCounters } from "./counters";
import { RedisCounters } from "./redis-counters";

/**
 * Rate-limit counters for this process: in memory (exact for a single instance) unless
 * REDIS_URL is set, then Redis (exact across instances). There is no silent fallback
 * from Redis to memory: per-instance counters would multiply the limit by the number of
 * instances, so while Redis is unreachable, keys with rate limits answer 503.
 */

type Holder = { counters?: Counters; override?: Counters };
const scope = globalThis as { __keyplaneCounters?: Holder };
scope.__keyplaneCounters ??= {};
const holder: Holder = scope.__keyplaneCounters;

export const REDIS_KEY_PREFIX = "keyplane:verify:";

function create(): Counters {
  const url = env().REDIS_URL;
  if (!url) return new MemoryCounters();
  // One retry, then fail fast: a verify must answer (503) rather than hang.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on("error", () => {});
  return new RedisCounters(redis, REDIS_KEY_PREFIX);
}

export function counters(): Counters {
  if (holder.override) return holder.override;
  holder.counters ??= create();
  return holder.counters;
}

export function setCountersForTesting(counters: Counters | undefined): void {
  holder.override = counters;
}
