import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Counts NOT_FOUND answers per root key, and per (root key, end-client address the
 * caller reported), and says whether a caller is over its cap. Being over the cap never
 * refuses anything: it makes that caller's cache misses coalesced (batched) lookups
 * (see not-found-limiter.ts). Counts are never kept per transport address: a tenant's
 * backend is one address for all of its traffic, and anyone who can reach that
 * tenant's API could otherwise spend its budget. The check runs before every cache miss,
 * so it must cost nothing: it reads only this process's view of the counts and never
 * waits for Redis.
 *
 * Without Redis the view is the count itself (exact for one process). With Redis, every
 * NOT_FOUND is also counted in Redis (rate-limiter-flexible, one atomic increment shared
 * by all instances) and the shared total it returns replaces the local one; the instance
 * whose count reaches the cap publishes it, and every instance subscribed to the channel
 * treats the caller as over the cap for the rest of that window. An instance that
 * missed the message (its subscription was down) learns it from its own next NOT_FOUND
 * for that caller, so the worst case is the cap plus one per such instance.
 *
 * Redis outage: per-instance counts. A Redis error or timeout leaves the local count in
 * charge, so each instance still coalesces a flooding caller's misses on its own (N
 * instances allow N times the cap of single lookups), and verification never waits on,
 * or fails because of, Redis.
 */

export type UnknownKeyLimiterOptions = {
  /** NOT_FOUND answers per root key in one window. */
  limit: number;
  /** NOT_FOUND answers per reported IP within a root key in one window (default: limit). */
  pairLimit?: number;
  windowSeconds?: number;
  /** Shared mode: a client for commands and a second one for the subscription. */
  redis?: { client: Redis; subscriber: Redis; prefix: string };
};

type Entry = { count: number; resetAt: number; published: boolean };
type BlockMessage = { id: string; ms: number };

const MAX_ENTRIES = 100_000;

// A root key id never contains "|" (cuid), so the two kinds of id cannot collide.
const rootKeyIdOf = (rootKeyId: string) => `rk:${rootKeyId}`;
const PAIR_MARK = "|ip:";
const pairIdOf = (rootKeyId: string, ip: string) => `rk:${rootKeyId}${PAIR_MARK}${ip}`;

export class UnknownKeyLimiter {
  readonly limit: number;
  readonly pairLimit: number;
  private readonly windowMs: number;
  private readonly entries = new Map<string, Entry>();
  /**
   * When the last over-the-cap window this process knows of ends (0: none yet). Until a
   * caller goes over the cap, `isOverCap` answers from this alone, without building ids
   * or reading the map.
   */
  private blocksEndAt = 0;
  private readonly shared?: {
    client: Redis;
    subscriber: Redis;
    channel: string;
    store: RateLimiterRedis;
  };

  constructor(options: UnknownKeyLimiterOptions) {
    this.limit = options.limit;
    this.pairLimit = options.pairLimit ?? options.limit;
    this.windowMs = (options.windowSeconds ?? 60) * 1000;
    const { redis } = options;
    if (!redis) return;
    const channel = `${redis.prefix}blocked`;
    this.shared = {
      client: redis.client,
      subscriber: redis.subscriber,
      channel,
      store: new RateLimiterRedis({
        storeClient: redis.client,
        // Past its points the store still counts (and rejects with the count), so one
        // store serves both caps.
        points: Math.max(this.limit, this.pairLimit),
        duration: this.windowMs / 1000,
        keyPrefix: `${redis.prefix}count`,
        // While the connection is down, fail at once instead of queueing behind it.
        rejectIfRedisNotReady: true,
      }),
    };
    redis.subscriber.on("message", (from: string, text: string) => {
      if (from === channel) this.receive(text);
    });
    redis.subscriber.subscribe(channel).catch(() => {});
  }

  /** Whether the root key, or the reported IP within it, is over the cap. */
  isOverCap(rootKeyId: string, reportedIp: string | undefined, now = Date.now()): boolean {
    if (this.blocksEndAt <= now) return false;
    if (this.blockedUntil(rootKeyIdOf(rootKeyId), now) > now) return true;
    return (
      reportedIp !== undefined && this.blockedUntil(pairIdOf(rootKeyId, reportedIp), now) > now
    );
  }

  /** Counts one NOT_FOUND. Resolves once Redis has counted it too (or failed to). */
  async count(rootKeyId: string, reportedIp: string | undefined, now = Date.now()): Promise<void> {
    const ids = [rootKeyIdOf(rootKeyId)];
    if (reportedIp !== undefined) ids.push(pairIdOf(rootKeyId, reportedIp));
    for (const id of ids) {
      const entry = this.entry(id, now);
      entry.count++;
      this.noteBlock(id, entry);
    }
    if (this.shared) await Promise.all(ids.map((id) => this.countShared(id)));
  }

  /**
   * Resolves when the subscription is live and the command connection is up (tests; a
   * live process needs no wait). Until then a count is not shared: the store refuses at
   * once while its connection is not ready (rejectIfRedisNotReady).
   */
  async ready(): Promise<void> {
    if (!this.shared) return;
    await Promise.all([
      this.shared.subscriber.subscribe(this.shared.channel),
      this.shared.client.ping(),
    ]);
  }

  private async countShared(id: string): Promise<void> {
    const shared = this.shared;
    if (!shared) return;
    let result: RateLimiterRes;
    try {
      result = await shared.store.consume(id);
    } catch (error) {
      // Over the cap, rate-limiter-flexible rejects with the result itself; anything else
      // is a Redis failure, and the local count already taken stays in charge.
      if (!(error instanceof RateLimiterRes)) return;
      result = error;
    }
    const now = Date.now();
    const entry = this.entry(id, now);
    entry.count = Math.max(entry.count, result.consumedPoints);
    entry.resetAt = now + result.msBeforeNext;
    this.noteBlock(id, entry);
    if (entry.count >= this.limitOf(id) && !entry.published) {
      entry.published = true;
      const message: BlockMessage = { id, ms: result.msBeforeNext };
      await shared.client.publish(shared.channel, JSON.stringify(message)).catch(() => {});
    }
  }

  private receive(text: string): void {
    let message: BlockMessage;
    try {
      message = JSON.parse(text) as BlockMessage;
    } catch {
      return;
    }
    if (typeof message.id !== "string" || typeof message.ms !== "number") return;
    // The remaining time, not a timestamp, travels: instances' clocks need not agree.
    const now = Date.now();
    const entry = this.entry(message.id, now);
    entry.count = Math.max(entry.count, this.limitOf(message.id));
    entry.resetAt = Math.max(entry.resetAt, now + message.ms);
    entry.published = true;
    this.noteBlock(message.id, entry);
  }

  private limitOf(id: string): number {
    return id.includes(PAIR_MARK) ? this.pairLimit : this.limit;
  }

  private noteBlock(id: string, entry: Entry): void {
    if (entry.count >= this.limitOf(id) && entry.resetAt > this.blocksEndAt) {
      this.blocksEndAt = entry.resetAt;
    }
  }

  private blockedUntil(id: string, now: number): number {
    const entry = this.entries.get(id);
    return entry && entry.resetAt > now && entry.count >= this.limitOf(id) ? entry.resetAt : 0;
  }

  private entry(id: string, now: number): Entry {
    let entry = this.entries.get(id);
    if (!entry || entry.resetAt <= now) {
      // Drop ended windows now and then so the map cannot grow without bound.
      if (this.entries.size > MAX_ENTRIES) {
        for (const [k, v] of this.entries) if (v.resetAt <= now) this.entries.delete(k);
      }
      entry = { count: 0, resetAt: now + this.windowMs, published: false };
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** Closes the Redis connections this limiter was given. */
  async close(): Promise<void> {
    if (!this.shared) return;
    await Promise.allSettled([this.shared.subscriber.quit(), this.shared.client.quit()]);
  }
}
