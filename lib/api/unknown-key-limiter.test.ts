import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { UnknownKeyLimiter } from "./unknown-key-limiter";

const LIMIT = 100;
const unique = () => randomBytes(6).toString("hex");

async function countMany(
  limiter: UnknownKeyLimiter,
  n: number,
  id: (i: number) => [string, string],
) {
  for (let i = 0; i < n; i++) await limiter.count(...id(i));
}

describe("unknown-key limiter, in memory", () => {
  it("puts a root key over the cap, whatever IPs it reports, until the window ends", async () => {
    const limiter = new UnknownKeyLimiter({ limit: LIMIT });
    const now = Date.now();
    for (let i = 0; i < LIMIT - 1; i++) await limiter.count("rk-a", `198.51.100.${i}`, now);
    expect(limiter.isOverCap("rk-a", "192.0.2.1", now)).toBe(false);
    await limiter.count("rk-a", "198.51.100.200", now);
    expect(limiter.isOverCap("rk-a", "192.0.2.1", now)).toBe(true);
    expect(limiter.isOverCap("rk-a", undefined, now)).toBe(true);
    expect(limiter.isOverCap("rk-b", "192.0.2.1", now)).toBe(false);
    expect(limiter.isOverCap("rk-a", "192.0.2.1", now + 61_000)).toBe(false);
  });

  it("a reported IP over the cap counts within its root key only, never across root keys", async () => {
    // The same end-client address reported under many root keys (tenants) never adds up:
    // one tenant cannot put another's callers over the cap.
    const limiter = new UnknownKeyLimiter({ limit: LIMIT });
    await countMany(limiter, LIMIT, (i) => [`rk-${i}`, "203.0.113.7"]);
    expect(limiter.isOverCap("rk-new", "203.0.113.7")).toBe(false);
    // Within one root key, the reported IP has its own cap before the root key's.
    const two = new UnknownKeyLimiter({ limit: LIMIT });
    await countMany(two, LIMIT / 2, () => ["rk-x", "203.0.113.7"]);
    await countMany(two, LIMIT / 2 - 1, (i) => ["rk-x", `198.51.100.${i}`]);
    expect(two.isOverCap("rk-x", "203.0.113.7")).toBe(false);
    await countMany(two, LIMIT / 2, () => ["rk-y", "203.0.113.7"]);
    expect(two.isOverCap("rk-y", "203.0.113.8")).toBe(false);
    await countMany(two, LIMIT / 2, () => ["rk-y", "203.0.113.7"]);
    expect(two.isOverCap("rk-y", "203.0.113.7")).toBe(true);
    expect(two.isOverCap("rk-x", "203.0.113.7")).toBe(false);
    expect(two.isOverCap("rk-z", "203.0.113.7")).toBe(false);
  });

  it("a reported IP has a cap of its own below the root key's", async () => {
    const limiter = new UnknownKeyLimiter({ limit: 10, pairLimit: 3 });
    await countMany(limiter, 3, () => ["rk-p", "203.0.113.9"]);
    expect(limiter.isOverCap("rk-p", "203.0.113.9")).toBe(true);
    expect(limiter.isOverCap("rk-p", "203.0.113.10")).toBe(false);
    expect(limiter.isOverCap("rk-p", undefined)).toBe(false);
    await countMany(limiter, 7, (i) => ["rk-p", `198.51.100.${i}`]);
    expect(limiter.isOverCap("rk-p", undefined)).toBe(true);
  });

  it("keeps limiting in this process when Redis cannot be reached, without failing", async () => {
    const client = new Redis("redis://127.0.0.1:1", {
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    client.on("error", () => {});
    const subscriber = client.duplicate();
    subscriber.on("error", () => {});
    const limiter = new UnknownKeyLimiter({
      limit: LIMIT,
      redis: { client, subscriber, prefix: `kptest:${unique()}:` },
    });
    const started = Date.now();
    await countMany(limiter, LIMIT - 1, (i) => ["rk-down", `198.51.100.${i}`]);
    expect(limiter.isOverCap("rk-down", "192.0.2.1")).toBe(false);
    await limiter.count("rk-down", "198.51.100.250");
    expect(limiter.isOverCap("rk-down", "192.0.2.1")).toBe(true);
    // Each count gave up on Redis at once rather than waiting for a connection.
    expect(Date.now() - started).toBeLessThan(2_000);
    await limiter.close();
  });
});

const url = process.env.REDIS_URL;

describe.skipIf(!url)("unknown-key limiter shared through Redis", () => {
  const prefix = `kptest:${Date.now()}:${unique()}:`;
  const opened: UnknownKeyLimiter[] = [];

  // One limiter per simulated process, each with connections of its own.
  async function instance(): Promise<UnknownKeyLimiter> {
    const client = new Redis(url as string, { maxRetriesPerRequest: 1 });
    const limiter = new UnknownKeyLimiter({
      limit: LIMIT,
      redis: { client, subscriber: client.duplicate(), prefix },
    });
    await limiter.ready();
    opened.push(limiter);
    return limiter;
  }

  async function eventually(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 1_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("not within 1 s");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  afterAll(async () => {
    const redis = new Redis(url as string);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await Promise.all(opened.map((limiter) => limiter.close()));
  });

  it("two instances share one budget per root key exactly", async () => {
    const [a, b] = [await instance(), await instance()];
    const rk = `rk-${unique()}`;
    await countMany(a, 60, (i) => [rk, `198.51.100.${i}`]);
    await countMany(b, LIMIT - 61, (i) => [rk, `203.0.113.${i}`]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // 99 unknown keys in all: neither instance is over the cap yet.
    expect(a.isOverCap(rk, "192.0.2.1")).toBe(false);
    expect(b.isOverCap(rk, "192.0.2.1")).toBe(false);
    await b.count(rk, "203.0.113.250");
    // The 100th, counted on b, puts the root key over the cap on b at once and on a
    // within the pub/sub delivery.
    expect(b.isOverCap(rk, "192.0.2.1")).toBe(true);
    await eventually(() => a.isOverCap(rk, "192.0.2.1"));
  });

  it("two instances share one budget per reported IP of a root key, under concurrent counting", async () => {
    const [a, b] = [await instance(), await instance()];
    const ip = `198.18.${unique()}`;
    // Other root keys reporting the same IP: theirs, not this one's.
    await Promise.all(Array.from({ length: 20 }, () => a.count(`rk-${unique()}`, ip)));
    const rk = `rk-${unique()}`;
    await Promise.all(Array.from({ length: LIMIT - 1 }, (_, i) => (i % 2 ? a : b).count(rk, ip)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.isOverCap(rk, ip)).toBe(false);
    expect(b.isOverCap(rk, ip)).toBe(false);
    await a.count(rk, ip);
    expect(a.isOverCap(rk, ip)).toBe(true);
    await eventually(() => b.isOverCap(rk, ip));
    expect(b.isOverCap(`rk-${unique()}`, ip)).toBe(false);
    // An instance that missed the message learns the shared total from its next count.
    const late = await instance();
    expect(late.isOverCap(rk, ip)).toBe(false);
    await late.count(rk, ip);
    expect(late.isOverCap(rk, ip)).toBe(true);
  });
});
