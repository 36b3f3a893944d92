import type { Redis } from "ioredis";
import type { ConsumeResult, Counters, WindowLimit } from "./counters";
import { windowResetAt, windowStart } from "./windows";

/**
 * Counters shared by every instance through Redis. One Lua script reads every window of
 * the key and increments all of them or none; Redis runs a script without interleaving
 * other commands, so the check and the count are one atomic step across instances.
 * Each window has its own Redis key, named by the window's start, and expires shortly
 * after the window ends, so nothing needs cleaning up. Window boundaries come from the
 * caller's clock (epoch-aligned, see windows.ts); instances are assumed NTP-synchronised.
 */

// KEYS[i]: counter of window i. ARGV[i]: its limit; ARGV[n + i]: its expiry in ms.
// Returns {1 | 0, count_1, ..., count_n} with the counts after the call.
const CONSUME = `
local n = #KEYS
local counts = {}
local allowed = 1
for i = 1, n do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  counts[i] = c
  if c + 1 > tonumber(ARGV[i]) then allowed = 0 end
end
if allowed == 1 then
  for i = 1, n do
    counts[i] = redis.call('INCR', KEYS[i])
    if counts[i] == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[n + i]) end
  end
end
table.insert(counts, 1, allowed)
return counts
`;

// Decrements each existing counter that is above zero: a refund never creates a key and
// never drives a count negative.
const REFUND = `
for i = 1, #KEYS do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  if c > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

type ScriptRedis = Redis & {
  keyplaneConsume(...args: (string | number)[]): Promise<number[]>;
  keyplaneRefund(...args: (string | number)[]): Promise<number>;
};

/** Grace after a window ends before Redis drops its counter (covers clock skew). */
const EXPIRY_SLACK_MS = 60_000;

export class RedisCounters implements Counters {
  private readonly redis: ScriptRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand("keyplaneConsume", { lua: CONSUME });
    redis.defineCommand("keyplaneRefund", { lua: REFUND });
    this.redis = redis as ScriptRedis;
  }

  private keysFor(keyId: string, limits: readonly WindowLimit[], now: number): string[] {
    return limits.map(
      ({ window }) => `${this.prefix}rl:${keyId}:${window}:${windowStart(now, window)}`,
    );
  }

  async consume(
    keyId: string,
    limits: readonly WindowLimit[],
    now: number,
  ): Promise<ConsumeResult> {
    const keys = this.keysFor(keyId, limits, now);
    const expiries = limits.map(({ window }) => windowResetAt(now, window) - now + EXPIRY_SLACK_MS);
    const reply = await this.redis.keyplaneConsume(
      keys.length,
      ...keys,
      ...limits.map((l) => l.limit),
      ...expiries,
    );
    return {
      allowed: reply[0] === 1,
      windows: limits.map(({ window, limit }, i) => ({
        window,
        limit,
        remaining: Math.max(0, limit - Number(reply[i + 1] ?? 0)),
        resetAt: new Date(windowResetAt(now, window)),
      })),
    };
  }

  async refund(keyId: string, limits: readonly WindowLimit[], now: number): Promise<void> {
    const keys = this.keysFor(keyId, limits, now);
    await this.redis.keyplaneRefund(keys.length, ...keys);
  }
}
