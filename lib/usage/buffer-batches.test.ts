import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { insertKey } from "@/lib/verify/test-support";
import {
  discardBufferedUsageForTesting,
  flushUsage,
  pauseFlushTimerForTesting,
  recordUsage,
  USAGE_BATCH_SIZE,
  usageBufferStats,
  usageWriterState,
} from "./buffer";
import { LAST_USED_PRECISION_MS } from "./flush-sql";
import { usageEvent } from "./test-support";
import type { UsageEventInput } from "./types";

// Large flushes (several batches, two in flight on PostgreSQL), a batch that is refused
// next to one that commits, and how often lastUsedAt is written.

setupTestDatabase();

let tenant: TestTenant;
let keyIds: string[];

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  keyIds = [];
  for (let i = 0; i < 5; i++) keyIds.push((await insertKey(tenant.id)).id);
});
afterEach(() => {
  pauseFlushTimerForTesting(false);
  discardBufferedUsageForTesting();
});

function event(i: number, fields: Partial<UsageEventInput> = {}): UsageEventInput {
  return usageEvent({
    tenantId: tenant.id,
    keyId: keyIds[i % keyIds.length] ?? null,
    time: Date.UTC(2031, 0, 1, 10, 0, 0) + (i % 7_200) * 1000,
    outcome: i % 9 === 0 ? "RATE_LIMITED" : "VALID",
    tokens: i % 3,
    ip: `10.1.${(i >> 8) & 255}.${i & 255}`,
    ...fields,
  });
}

async function stored(): Promise<{ events: number; minute: number; hour: number; day: number }> {
  const [row] = await db().$queryRaw<{ e: bigint; m: bigint; h: bigint; d: bigint }[]>`
    SELECT (SELECT count(*) FROM "UsageEventLog" WHERE "tenantId" = ${tenant.id}) AS e,
      (SELECT coalesce(sum("count"), 0) FROM "UsageMinute" WHERE "tenantId" = ${tenant.id})::bigint AS m,
      (SELECT coalesce(sum("count"), 0) FROM "UsageHour" WHERE "tenantId" = ${tenant.id})::bigint AS h,
      (SELECT coalesce(sum("count"), 0) FROM "UsageTenantDay" WHERE "tenantId" = ${tenant.id})::bigint AS d`;
  return {
    events: Number(row?.e ?? 0),
    minute: Number(row?.m ?? 0),
    hour: Number(row?.h ?? 0),
    day: Number(row?.d ?? 0),
  };
}

describe("usage batches", () => {
  it("writes a flush of several batches completely, each event rolled up once", async () => {
    const before = await stored();
    for (let i = 0; i < 25_000; i++) recordUsage(event(i));
    await flushUsage();
    expect(usageBufferStats().pending).toBe(0);
    const after = await stored();
    expect({
      events: after.events - before.events,
      minute: after.minute - before.minute,
      hour: after.hour - before.hour,
      day: after.day - before.day,
    }).toEqual({ events: 25_000, minute: 25_000, hour: 25_000, day: 25_000 });
  }, 60_000);

  it("writes only full batches when the buffer fills; the rest waits for the next flush", async () => {
    // A flush that took whatever had arrived each time a write finished would write
    // batches of a few hundred events under load: it must leave a partial batch buffered.
    pauseFlushTimerForTesting(true);
    const before = await stored();
    for (let i = 0; i < USAGE_BATCH_SIZE + 5; i++) recordUsage(event(i));
    expect(usageBufferStats().pending).toBe(5);
    const deadline = Date.now() + 30_000;
    while ((await stored()).events - before.events < USAGE_BATCH_SIZE && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Well past the full batch's commit, the five are still waiting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(usageBufferStats().pending).toBe(5);
    expect((await stored()).events - before.events).toBe(USAGE_BATCH_SIZE);
    await flushUsage();
    expect(usageBufferStats().pending).toBe(0);
    expect((await stored()).events - before.events).toBe(USAGE_BATCH_SIZE + 5);
  }, 60_000);

  it("writes a refused batch's other events while the batch beside it commits", async () => {
    // Only this test starts flushes.
    pauseFlushTimerForTesting(true);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const before = await stored();
    const quarantined = usageWriterState().quarantine.total;
    // Batch 1: 10,000 good events. Batch 2: its last event has an outcome the database
    // does not know, so the batch fails; it is split and only that event is set aside.
    for (let i = 0; i < 10_000; i++) recordUsage(event(i));
    for (let i = 0; i < 9_999; i++) recordUsage(event(i));
    recordUsage(event(0, { outcome: "NO_SUCH_OUTCOME" as UsageEventInput["outcome"] }));
    await flushUsage();
    expect(usageBufferStats().pending).toBe(0);
    expect(usageWriterState().quarantine.total - quarantined).toBe(1);
    const after = await stored();
    expect(after.events - before.events).toBe(19_999);
    expect(after.minute - before.minute).toBe(19_999);
    expect(after.day - before.day).toBe(19_999);
    vi.restoreAllMocks();
  }, 60_000);

  it("moves lastUsedAt only when it is more than the precision behind", async () => {
    const keyId = keyIds[0] as string;
    const t0 = Date.UTC(2032, 0, 1, 9, 0, 0);
    const lastUsed = async () =>
      (
        await db().apiKey.findUniqueOrThrow({ where: { id: keyId }, select: { lastUsedAt: true } })
      ).lastUsedAt?.getTime();
    recordUsage(event(0, { keyId, time: t0 }));
    await flushUsage();
    expect(await lastUsed()).toBe(t0);
    recordUsage(event(0, { keyId, time: t0 + LAST_USED_PRECISION_MS }));
    await flushUsage();
    expect(await lastUsed()).toBe(t0);
    recordUsage(event(0, { keyId, time: t0 + LAST_USED_PRECISION_MS + 1 }));
    await flushUsage();
    expect(await lastUsed()).toBe(t0 + LAST_USED_PRECISION_MS + 1);
    // An older event never moves it back.
    recordUsage(event(0, { keyId, time: t0 }));
    await flushUsage();
    expect(await lastUsed()).toBe(t0 + LAST_USED_PRECISION_MS + 1);
  });

  it("stores every field of an event as given, defaults and nulls included", async () => {
    const time = Date.UTC(2031, 5, 7, 8, 9, 10, 123);
    const keyId = keyIds[1] ?? null;
    const given: Partial<UsageEventInput>[] = [
      // Everything set, nothing at its default.
      {
        keyId,
        time,
        kind: "REPORT",
        outcome: "REPORTED",
        costCents: 37,
        tokens: 1234,
        endpoint: "POST /v1/chat",
        resource: "project:42",
        ip: "2001:db8::7",
        latencyUs: 845,
      },
      // Everything at its default or null.
      { keyId: null, time: time + 1, costCents: 0, tokens: 0, ip: null, outcome: "NOT_FOUND" },
    ];
    recordUsage(event(0, given[0]));
    recordUsage(event(0, given[1]));
    await flushUsage();
    const rows = await db().$queryRaw<unknown[]>`
      SELECT "keyId", "time", "kind"::text AS "kind", "outcome"::text AS "outcome", "costCents",
        "tokens", "endpoint", "resource", "ip", "latencyUs"
      FROM "UsageEventLog"
      WHERE "tenantId" = ${tenant.id} AND "time" BETWEEN ${new Date(time)} AND ${new Date(time + 1)}
      ORDER BY "time"`;
    expect(rows).toEqual([
      {
        keyId,
        time: new Date(time),
        kind: "REPORT",
        outcome: "REPORTED",
        costCents: 37,
        tokens: 1234,
        endpoint: "POST /v1/chat",
        resource: "project:42",
        ip: "2001:db8::7",
        latencyUs: 845,
      },
      {
        keyId: null,
        time: new Date(time + 1),
        kind: "VERIFY",
        outcome: "NOT_FOUND",
        costCents: 0,
        tokens: 0,
        endpoint: null,
        resource: null,
        ip: null,
        latencyUs: null,
      },
    ]);
  });
});
