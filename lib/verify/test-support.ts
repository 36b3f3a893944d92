import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { generateKey } from "@/lib/keys/format";
import { type Counters, MemoryCounters } from "./counters";
import { setCountersForTesting } from "./counters-provider";
import { RedisCounters } from "./redis-counters";

// Test-only helpers for the verify and usage suites: keys inserted straight through
// Prisma (full control over every field), and the counters of the configuration under
// test (Redis with a prefix unique to the run when REDIS_URL is set, else memory).

export type TestKey = { id: string; plaintext: string; hash: string };

export async function insertKey(
  tenantId: string,
  fields: Partial<Prisma.ApiKeyUncheckedCreateInput> = {},
): Promise<TestKey> {
  const generated = generateKey("kp");
  const key = await db().apiKey.create({
    data: {
      tenantId,
      name: `key-${randomBytes(3).toString("hex")}`,
      hash: generated.hash,
      start: generated.start,
      last4: generated.last4,
      ...fields,
    },
    select: { id: true },
  });
  return { id: key.id, plaintext: generated.key, hash: generated.hash };
}

/** A rolled-away secret of `key`, verifying until `graceEndsAt`; returns its plaintext. */
export async function insertRetiredSecret(
  key: { tenantId: string; id: string },
  graceEndsAt: Date,
): Promise<TestKey> {
  const old = generateKey("kp");
  await db().retiredSecret.create({
    data: {
      tenantId: key.tenantId,
      keyId: key.id,
      hash: old.hash,
      start: old.start,
      last4: old.last4,
      graceEndsAt,
    },
  });
  return { id: key.id, plaintext: old.key, hash: old.hash };
}

export type TestCounters = { kind: "redis" | "memory"; counters: () => Counters };

/** Installs the counters for this file; Redis keys are deleted afterwards. */
export function setupTestCounters(): TestCounters {
  const url = process.env.REDIS_URL;
  const prefix = `kptest:${Date.now()}:${randomBytes(4).toString("hex")}:`;
  let redis: Redis | undefined;
  let current: Counters | undefined;
  beforeAll(() => {
    if (url) {
      redis = new Redis(url, { maxRetriesPerRequest: 1 });
      current = new RedisCounters(redis, prefix);
    } else {
      current = new MemoryCounters();
    }
    setCountersForTesting(current);
  });
  afterAll(async () => {
    setCountersForTesting(undefined);
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });
  return {
    kind: url ? "redis" : "memory",
    counters: () => {
      if (!current) throw new Error("setupTestCounters(): created in beforeAll");
      return current;
    },
  };
}
