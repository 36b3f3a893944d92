import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase, testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner } from "@/lib/testing/fixtures";
import { insertKey } from "@/lib/verify/test-support";
import { discardBufferedUsageForTesting, flushUsage, recordUsage } from "./buffer";
import { DAY_MS, HOUR_MS, type UsageRetention } from "./range";
import { runUsageRetention } from "./retention";
import { usageEvent } from "./test-support";

setupTestDatabase();
afterAll(() => discardBufferedUsageForTesting());

const NOW = Date.UTC(2030, 5, 15, 12, 0, 0);
const KEEP: UsageRetention = { eventsDays: 10, minuteDays: 2, hourDays: 5, dayDays: 20 };

const TABLES = [
  ["UsageEvent", "time", KEEP.eventsDays],
  ["UsageEventBatch", "last", KEEP.eventsDays],
  ["UsageClientIp", "lastSeen", KEEP.eventsDays],
  ["UsageMinute", "bucket", KEEP.minuteDays],
  ["UsageTenantMinute", "bucket", KEEP.minuteDays],
  ["UsageHour", "bucket", KEEP.hourDays],
  ["UsageTenantHour", "bucket", KEEP.hourDays],
  ["UsageDay", "bucket", KEEP.dayDays],
  ["UsageTenantDay", "bucket", KEEP.dayDays],
  ["UsageKeyDay", "bucket", KEEP.dayDays],
  ["UsageQuarantine", "quarantinedAt", KEEP.eventsDays],
] as const;

/** Every row of a table as text (the identity column left out), sorted. */
async function rows(table: string, column: string): Promise<{ time: number; text: string }[]> {
  const result = await db().$queryRawUnsafe<{ t: Date; row: string }[]>(
    `SELECT x."${column}" AS "t", (to_jsonb(x) - 'id')::text AS "row" FROM "${table}" x`,
  );
  return result
    .map((r) => ({ time: r.t.getTime(), text: r.row }))
    .sort((a, b) => (a.text < b.text ? -1 : 1));
}

beforeAll(async () => {
  // Two tenants, events every 7 hours over 30 days (and one exactly at a cutoff), each
  // from an IP of its own day so client IPs age too. Each time is flushed on its own, so
  // each batch row holds one time; each time also has an event written in its request
  // (a budget reservation's row in UsageEvent).
  const keys: { tenantId: string; keyId: string }[] = [];
  for (let t = 0; t < 2; t++) {
    const { tenant } = await createTenantWithOwner();
    const key = await insertKey(tenant.id);
    keys.push({ tenantId: tenant.id, keyId: key.id });
  }
  const times = [NOW - KEEP.minuteDays * DAY_MS];
  for (let at = NOW - 30 * DAY_MS; at < NOW; at += 7 * HOUR_MS) times.push(at);
  for (const [i, time] of times.entries()) {
    for (const { tenantId, keyId } of keys) {
      recordUsage(
        usageEvent({
          tenantId,
          keyId,
          time,
          outcome: time % 2 === 0 ? "VALID" : "RATE_LIMITED",
          ip: `10.0.0.${Math.floor((NOW - time) / DAY_MS)}`,
          latencyUs: 1,
        }),
      );
    }
    await flushUsage();
    await db().usageEvent.createMany({
      data: keys.map(({ tenantId, keyId }) => ({
        tenantId,
        keyId,
        time: new Date(time),
        kind: "VERIFY" as const,
        outcome: "VALID" as const,
        costCents: 5,
        requestId: `reservation:req_${i}`,
      })),
    });
    // A quarantined event (quarantine.ts), of a tenant that no longer exists too.
    for (const tenantId of [keys[0]?.tenantId ?? "", "t_deleted"]) {
      await db()
        .$executeRaw`INSERT INTO "UsageQuarantine" ("tenantId", "quarantinedAt", "error", "event")
        VALUES (${tenantId}, ${new Date(time)}, 'refused', '\x7b7d'::bytea)`;
    }
  }
});

describe("usage retention", () => {
  it.runIf(testsUsePostgres)("skips the run while another instance holds the lock", async () => {
    const before = await rows("UsageEvent", "time");
    const result = await db().$transaction(async (tx) => {
      await tx.$queryRawUnsafe("SELECT pg_advisory_xact_lock(7203114554)::text");
      return runUsageRetention({ now: NOW, retention: KEEP, lock: true });
    });
    expect(result).toBeNull();
    expect(await rows("UsageEvent", "time")).toEqual(before);
  });

  it("deletes exactly the rows older than each table's limit, in chunks", async () => {
    const before = new Map<string, { time: number; text: string }[]>();
    for (const [table, column] of TABLES) before.set(table, await rows(table, column));
    const result = await runUsageRetention({
      now: NOW,
      retention: KEEP,
      chunkRows: 7,
      lock: testsUsePostgres,
    });
    for (const [table, column, days] of TABLES) {
      const cutoff = NOW - days * DAY_MS;
      const all = before.get(table) ?? [];
      const kept = all.filter((r) => r.time >= cutoff);
      // Each table had rows on both sides of its limit.
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(all.length);
      expect({ table, rows: await rows(table, column) }).toEqual({ table, rows: kept });
      expect(result?.deleted[table]).toBe(all.length - kept.length);
    }
    // The event exactly at the minute cutoff is kept: only what is older goes.
    const minute = await rows("UsageMinute", "bucket");
    expect(minute.some((r) => r.time === NOW - KEEP.minuteDays * DAY_MS)).toBe(true);
    // A second run finds nothing more.
    const again = await runUsageRetention({ now: NOW, retention: KEEP, lock: testsUsePostgres });
    expect(Object.values(again?.deleted ?? {}).every((n) => n === 0)).toBe(true);
  });
});
