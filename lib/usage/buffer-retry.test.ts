import net from "node:net";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { setDbForTesting } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { setupTestDatabase, testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import {
  discardBufferedUsageForTesting,
  flushUsage,
  pauseFlushTimerForTesting,
  recordUsage,
  resetUsageWriterForTesting,
  setUsageWriterForTesting,
  usageBufferStats,
  usageWriterState,
} from "./buffer";
import { usageEvent } from "./test-support";
import type { UsageEventInput } from "./types";

// A batch that fails because the database cannot be reached is about the database, not
// the events: it is retried whole, never split and never quarantined.

const database = setupTestDatabase();

let tenant: TestTenant;
beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
});
afterEach(() => {
  setUsageWriterForTesting(undefined);
  pauseFlushTimerForTesting(false);
  discardBufferedUsageForTesting();
  resetUsageWriterForTesting();
});

const event = (i: number) => usageEvent({ tenantId: tenant.id, time: Date.UTC(2033, 5, 1) + i });

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("usage writer without the database", () => {
  it("retries a batch that lost the connection whole: not split, nothing quarantined", async () => {
    pauseFlushTimerForTesting(true);
    const calls: number[] = [];
    setUsageWriterForTesting(async (events) => {
      calls.push(events.length);
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
        code: "ECONNREFUSED",
      });
    });
    for (let i = 0; i < 1_000; i++) recordUsage(event(i));
    await expect(flushUsage()).rejects.toThrow(/ECONNREFUSED/);
    await expect(flushUsage()).rejects.toThrow(/ECONNREFUSED/);
    // One attempt of the whole batch per flush.
    expect(calls).toEqual([1_000, 1_000]);
    expect(usageBufferStats().pending).toBe(1_000);
    expect(usageWriterState().quarantine.total).toBe(0);

    // Back online: everything is written, in order, once.
    const written: UsageEventInput[] = [];
    setUsageWriterForTesting(async (events) => {
      written.push(...events);
    });
    await flushUsage();
    expect(written.map((e) => e.time)).toEqual(
      Array.from({ length: 1_000 }, (_, i) => event(i).time),
    );
    expect(usageBufferStats().pending).toBe(0);
  });

  it("puts back what a split batch had not written when the connection drops halfway", async () => {
    pauseFlushTimerForTesting(true);
    let attempts = 0;
    setUsageWriterForTesting(async (events) => {
      attempts++;
      // The whole batch is refused for its data, then the database goes away.
      if (attempts === 1) throw Object.assign(new Error("invalid input syntax"), { code: "22P02" });
      if (attempts === 2 && events.length === 500) return;
      throw Object.assign(new Error("Connection terminated unexpectedly"), {});
    });
    for (let i = 0; i < 1_000; i++) recordUsage(event(i));
    await expect(flushUsage()).rejects.toThrow(/Connection terminated/);
    // The first half was written; the second is back, nothing quarantined.
    expect(usageBufferStats().pending).toBe(500);
    expect(usageWriterState().quarantine.total).toBe(0);
  });

  it.runIf(testsUsePostgres)(
    "keeps every event when PostgreSQL refuses the connection",
    async () => {
      pauseFlushTimerForTesting(true);
      const port = await closedPort();
      const pool = new pg.Pool({
        connectionString: `postgresql://postgres@127.0.0.1:${port}/keyplane`,
        connectionTimeoutMillis: 1_000,
      });
      pool.on("error", () => {});
      const unreachable = new PrismaClient({ adapter: new PrismaPg(pool) });
      setDbForTesting(unreachable, pool);
      try {
        for (let i = 0; i < 2_000; i++) recordUsage(event(i));
        await expect(flushUsage()).rejects.toThrow();
        expect(usageBufferStats().pending).toBe(2_000);
        expect(usageWriterState().quarantine.total).toBe(0);
      } finally {
        const test = database();
        setDbForTesting(test.client, test.pool);
        await unreachable.$disconnect();
        await pool.end();
      }
      await flushUsage();
      expect(usageBufferStats().pending).toBe(0);
    },
  );
});
