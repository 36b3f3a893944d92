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
  it("blocks a root key at the cap, from any IP, until the window ends", async () => {
    const limiter = new UnknownKeyLimiter({ limit: LIMIT });
    const now = Date.now();
    for (let i = 0; i < LIMIT - 1; i++) await limiter.count("rk-a", `198.51.100.${i}`, now);
    expect(limiter.retryAfter("rk-a", "192.0.2.1", now)).toBe(0);
    await limiter.count("rk-a", "198.51.100.200", now);
    const retry = limiter.retryAfter("rk-a", "192.0.2.1", now);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limiter.retryAfter("rk-b", "192.0.2.1", now)).toBe(0);
    expect(limiter.retryAfter("rk-a", "192.0.2.1", now + 61_000)).toBe(0);
  });

  it("blocks an IP at the cap, whatever root key it uses", async () => {
    const limiter = new UnknownKeyLimiter({ limit: LIMIT });
    await countMany(limiter, LIMIT - 1, (i) => [`rk-${i}`, "203.0.113.7"]);
    expect(limiter.retryAfter("rk-new", "203.0.113.7")).toBe(0);
    await limiter.count("rk-last", "203.0.113.7");
    expect(limiter.retryAfter("rk-new", "203.0.113.7")).toBeGreaterThan(0);
    expect(limiter.retryAfter("rk-new", "203.0.113.8")).toBe(0);
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
    expect(limiter.retryAfter("rk-down", "192.0.2.1")).toBe(0);
    await limiter.count("rk-down", "198.51.100.250");
    expect(limiter.retryAfter("rk-down", "192.0.2.1")).toBeGreaterThan(0);
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
    // 99 unknown keys in all: neither instance refuses yet.
    expect(a.retryAfter(rk, "192.0.2.1")).toBe(0);
    expect(b.retryAfter(rk, "192.0.2.1")).toBe(0);
    await b.count(rk, "203.0.113.250");
    // The 100th, counted on b, blocks b at once and a within the pub/sub delivery.
    expect(b.retryAfter(rk, "192.0.2.1")).toBeGreaterThan(0);
    await eventually(() => a.retryAfter(rk, "192.0.2.1") > 0);
    expect(a.retryAfter(rk, "192.0.2.1")).toBeLessThanOrEqual(60);
  });

  it("two instances share one budget per IP, under concurrent counting", async () => {
    const [a, b] = [await instance(), await instance()];
    const ip = `198.18.${unique()}`;
    await Promise.all(
      Array.from({ length: LIMIT - 1 }, (_, i) => (i % 2 ? a : b).count(`rk-${unique()}`, ip)),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.retryAfter("rk-x", ip)).toBe(0);
    expect(b.retryAfter("rk-x", ip)).toBe(0);
    await a.count(`rk-${unique()}`, ip);
    expect(a.retryAfter("rk-x", ip)).toBeGreaterThan(0);
    await eventually(() => b.retryAfter("rk-x", ip) > 0);
    // An instance that missed the message learns the shared total from its next count.
    const late = await instance();
    expect(late.retryAfter("rk-x", ip)).toBe(0);
    await late.count(`rk-${unique()}`, ip);
    expect(late.retryAfter("rk-x", ip)).toBeGreaterThan(0);
  });
});
