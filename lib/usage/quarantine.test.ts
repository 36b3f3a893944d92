import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { isConnectionError } from "@/lib/db/errors";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner } from "@/lib/testing/fixtures";
import { insertKey } from "@/lib/verify/test-support";
import {
  discardBufferedUsageForTesting,
  pauseFlushTimerForTesting,
  recordUsage,
  resetUsageWriterForTesting,
  shutdownFlush,
  usageBufferStats,
  usageWriterState,
} from "./buffer";
import { LAST_USED_PRECISION_MS, writeBatch } from "./flush-sql";
import { usageEvent } from "./test-support";
import type { UsageEventInput } from "./types";
import { isEventDataError } from "./write-errors";

// One event PostgreSQL refuses must not stop the usage writer: it is found by splitting
// the batch, set aside (counted, kept, written to UsageQuarantine) and every other event
// of every tenant is stored, by the final flush of a shutdown too.

setupTestDatabase();

type Tenant = { id: string; keys: string[] };
let tenants: Tenant[];

beforeAll(async () => {
  tenants = [];
  for (let t = 0; t < 3; t++) {
    const { tenant } = await createTenantWithOwner();
    const keys: string[] = [];
    for (let k = 0; k < 3; k++) keys.push((await insertKey(tenant.id)).id);
    tenants.push({ id: tenant.id, keys });
  }
});
afterEach(() => {
  pauseFlushTimerForTesting(false);
  discardBufferedUsageForTesting();
  resetUsageWriterForTesting();
  vi.restoreAllMocks();
});

const T0 = Date.UTC(2033, 2, 1, 10, 0, 0);

/** The i-th good event: tenants, keys, minutes and outcomes in turn. */
function goodEvent(i: number): UsageEventInput {
  const tenant = tenants[i % tenants.length] as Tenant;
  return usageEvent({
    tenantId: tenant.id,
    keyId: tenant.keys[Math.floor(i / tenants.length) % tenant.keys.length] ?? null,
    time: T0 + (i % 600) * 1000,
    outcome: i % 7 === 0 ? "RATE_LIMITED" : "VALID",
    endpoint: `GET /v1/items/${i % 13}`,
    ip: `10.2.${(i >> 8) & 255}.${i & 255}`,
  });
}

async function storedCounts(tenantId: string) {
  const [row] = await db().$queryRaw<
    { events: bigint; minute: bigint; hour: bigint; day: bigint; tenantDay: bigint }[]
  >`SELECT (SELECT count(*) FROM "UsageEventLog" WHERE "tenantId" = ${tenantId}) AS events,
      (SELECT coalesce(sum("count"), 0) FROM "UsageMinute" WHERE "tenantId" = ${tenantId})::bigint AS minute,
      (SELECT coalesce(sum("count"), 0) FROM "UsageHour" WHERE "tenantId" = ${tenantId})::bigint AS hour,
      (SELECT coalesce(sum("count"), 0) FROM "UsageDay" WHERE "tenantId" = ${tenantId})::bigint AS day,
      (SELECT coalesce(sum("count"), 0) FROM "UsageTenantDay" WHERE "tenantId" = ${tenantId})::bigint AS "tenantDay"`;
  return {
    events: Number(row?.events),
    minute: Number(row?.minute),
    hour: Number(row?.hour),
    day: Number(row?.day),
    tenantDay: Number(row?.tenantDay),
  };
}

const snapshot = async () => Promise.all(tenants.map((t) => storedCounts(t.id)));

describe("usage quarantine", () => {
  it("stores 10,000 good events of three tenants around a poisoned one, and a shutdown flush loses nothing", async () => {
    pauseFlushTimerForTesting(true);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const before = await snapshot();
    const expected = tenants.map(() => 0);
    const latest = new Map<string, number>();
    const poisoned = usageEvent({
      tenantId: tenants[1]?.id as string,
      keyId: tenants[1]?.keys[0] ?? null,
      time: T0 + 1234,
      endpoint: "GET /a\u0000b",
    });
    for (let i = 0; i < 10_000; i++) {
      const e = goodEvent(i);
      expected[i % tenants.length] = (expected[i % tenants.length] ?? 0) + 1;
      if (e.keyId) latest.set(e.keyId, Math.max(latest.get(e.keyId) ?? 0, e.time));
      recordUsage(e);
      if (i === 6_543) recordUsage(poisoned);
    }
    // A full buffer has started writing a batch (the poisoned event is in it); the rest
    // waits for what SIGTERM runs before the process exits.
    expect(usageBufferStats().pending).toBeGreaterThan(0);
    await shutdownFlush();
    expect(usageBufferStats().pending).toBe(0);

    const after = await snapshot();
    tenants.forEach((_, t) => {
      const n = expected[t] as number;
      const [b, a] = [before[t], after[t]];
      expect({
        events: (a?.events ?? 0) - (b?.events ?? 0),
        minute: (a?.minute ?? 0) - (b?.minute ?? 0),
        hour: (a?.hour ?? 0) - (b?.hour ?? 0),
        day: (a?.day ?? 0) - (b?.day ?? 0),
        tenantDay: (a?.tenantDay ?? 0) - (b?.tenantDay ?? 0),
      }).toEqual({ events: n, minute: n, hour: n, day: n, tenantDay: n });
    });
    // The split batch was written in parts; lastUsedAt still follows every key's events.
    for (const [keyId, time] of latest) {
      const key = await db().apiKey.findUniqueOrThrow({
        where: { id: keyId },
        select: { lastUsedAt: true },
      });
      const lag = time - (key.lastUsedAt?.getTime() ?? 0);
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThanOrEqual(LAST_USED_PRECISION_MS);
    }

    // Quarantined: counted, kept in memory, and in the table, exactly as it was.
    const { quarantine } = usageWriterState();
    expect(quarantine.total).toBe(1);
    expect(quarantine.list()).toEqual([
      expect.objectContaining({ event: poisoned, field: "endpoint" }),
    ]);
    expect(quarantine.pendingWrites()).toBe(0);
    const rows = await db().usageQuarantine.findMany({ where: { tenantId: tenants[1]?.id } });
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      keyId: poisoned.keyId,
      field: "endpoint",
      eventTime: new Date(poisoned.time),
    });
    expect(row?.error).toMatch(/unsupported Unicode escape sequence|22P05/);
    expect(JSON.parse(Buffer.from(row?.event ?? new Uint8Array()).toString("utf8"))).toEqual(
      poisoned,
    );
    // Logged once, with the tenant, key and field, never the event's text.
    const lines = vi.mocked(console.warn).mock.calls.map((c) => String(c[0]));
    const logged = lines.filter((l) => l.includes("quarantined"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(poisoned.tenantId);
    expect(logged[0]).toContain(String(poisoned.keyId));
    expect(logged[0]).toContain("field endpoint");
    expect(logged[0]).not.toContain("/a");
  }, 120_000);

  it("isolates several events refused for different reasons and writes the rest", async () => {
    pauseFlushTimerForTesting(true);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const before = await snapshot();
    const tenant = tenants[0] as Tenant;
    const bad: [string, Partial<UsageEventInput>][] = [
      ["resource", { resource: "gpt-\ud800" }],
      ["ip", { ip: "10.0.0.1\u0000" }],
      ["outcome", { outcome: "NO_SUCH_OUTCOME" as UsageEventInput["outcome"] }],
      ["tokens", { tokens: 2 ** 40 }],
      ["time", { time: Number.NaN }],
    ];
    let good = 0;
    for (let i = 0; i < 2_000; i++) {
      const slot = Math.floor(i / 400);
      const poison = bad[slot];
      if (i % 400 === 17 && poison) {
        recordUsage(
          usageEvent({
            tenantId: tenant.id,
            keyId: tenant.keys[0] ?? null,
            time: T0,
            ...poison[1],
          }),
        );
      }
      const e = goodEvent(i * tenants.length);
      recordUsage(e);
      good++;
    }
    await shutdownFlush();
    const after = await snapshot();
    expect((after[0]?.events ?? 0) - (before[0]?.events ?? 0)).toBe(good);
    expect((after[0]?.minute ?? 0) - (before[0]?.minute ?? 0)).toBe(good);
    const { quarantine } = usageWriterState();
    expect(quarantine.list().map((q) => q.field)).toEqual(bad.map(([field]) => field));
    expect(await db().usageQuarantine.count({ where: { tenantId: tenant.id } })).toBe(5);
  }, 120_000);

  it("classifies what this database refuses as the events' fault, never as lost connectivity", async () => {
    const tenant = tenants[2] as Tenant;
    const poisons: Partial<UsageEventInput>[] = [
      { endpoint: "GET /a\u0000b" },
      { resource: "gpt-\ud800" },
      { resource: "gpt-\udc00x" },
      { ip: "10.0.0.1\u0000" },
      { outcome: "NO_SUCH_OUTCOME" as UsageEventInput["outcome"] },
      { latencyUs: 2 ** 33 },
      { time: Number.POSITIVE_INFINITY },
    ];
    for (const poison of poisons) {
      const error = await writeBatch([
        usageEvent({ tenantId: tenant.id, keyId: tenant.keys[0] ?? null, time: T0, ...poison }),
      ]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(poison)).toBeDefined();
      expect(isConnectionError(error), JSON.stringify(poison)).toBe(false);
      expect(isEventDataError(error), JSON.stringify(poison)).toBe(true);
    }
  });
});
