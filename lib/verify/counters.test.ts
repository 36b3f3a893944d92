import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type Counters, MemoryCounters, type WindowLimit } from "./counters";
import { RedisCounters } from "./redis-counters";

const url = process.env.REDIS_URL;
const prefix = `kptest:counters:${Date.now()}:${randomBytes(4).toString("hex")}:`;
const redis = url ? new Redis(url, { maxRetriesPerRequest: 1 }) : undefined;

afterAll(async () => {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const implementations: [string, () => Counters][] = [["memory", () => new MemoryCounters()]];
if (redis) implementations.push(["redis", () => new RedisCounters(redis, prefix)]);

const T0 = Date.UTC(2026, 0, 15, 10, 30, 0);
let n = 0;
const keyId = () => `key-${++n}-${randomBytes(3).toString("hex")}`;

describe.each(implementations)("%s counters", (_name, make) => {
  it("counts a call in every window or in none", async () => {
    const c = make();
    const id = keyId();
    const limits: WindowLimit[] = [
      { window: "minute", limit: 5 },
      { window: "hour", limit: 3 },
    ];
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await c.consume(id, limits, T0));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    // The minute window took only the 3 admitted calls: denied calls counted nowhere.
    const next = await c.consume(id, [{ window: "minute", limit: 5 }], T0);
    expect(next.windows[0]?.remaining).toBe(1);
    expect(results[2]?.windows).toEqual([
      {
        window: "minute",
        limit: 5,
        remaining: 2,
        resetAt: new Date(Date.UTC(2026, 0, 15, 10, 31)),
      },
      { window: "hour", limit: 3, remaining: 0, resetAt: new Date(Date.UTC(2026, 0, 15, 11, 0)) },
    ]);
  });

  it("starts a new window at the boundary", async () => {
    const c = make();
    const id = keyId();
    const limits: WindowLimit[] = [{ window: "minute", limit: 1 }];
    expect((await c.consume(id, limits, T0 + 59_999)).allowed).toBe(true);
    expect((await c.consume(id, limits, T0 + 59_999)).allowed).toBe(false);
    expect((await c.consume(id, limits, T0 + 60_000)).allowed).toBe(true);
  });

  it("refunds a consumed call, never below zero", async () => {
    const c = make();
    const id = keyId();
    const limits: WindowLimit[] = [{ window: "day", limit: 1 }];
    expect((await c.consume(id, limits, T0)).allowed).toBe(true);
    await c.refund(id, limits, T0);
    await c.refund(id, limits, T0);
    expect((await c.consume(id, limits, T0)).allowed).toBe(true);
    expect((await c.consume(id, limits, T0)).allowed).toBe(false);
  });

  it("is exact under concurrency", async () => {
    const c = make();
    const id = keyId();
    const limits: WindowLimit[] = [
      { window: "minute", limit: 60 },
      { window: "day", limit: 1000 },
    ];
    const results = await Promise.all(Array.from({ length: 100 }, () => c.consume(id, limits, T0)));
    expect(results.filter((r) => r.allowed)).toHaveLength(60);
  });
});
