import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportUsageCsv } from "@/app/(dashboard)/t/[tenant]/usage/export/usage-csv";
import { db } from "@/lib/db";
import type { UsageOutcome } from "@/lib/generated/prisma/enums";
import { createOrg, type Org } from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { insertKey } from "@/lib/verify/test-support";
import {
  denialsByReason,
  parseUsageRange,
  requestsOverTime,
  signals,
  sparklines,
  topKeys,
} from "./analytics";
import {
  discardBufferedUsageForTesting,
  flushUsage,
  recordUsage,
  usageBufferStats,
} from "./buffer";
import { DAY_MS, HOUR_MS, type UsageRetention } from "./range";
import { usageEvent } from "./test-support";

// Rollup counts pass 2^31 at volumes Keyplane is built for (a tenant's day at ~25k
// verifications a second, a client IP's count over 90 days at ~280 a second). Each
// rollup row here starts just under 2^31 and one flush takes it past: the flush must
// commit, and every reader must hand back the exact sum as a JavaScript number.

setupTestDatabase();
afterAll(() => discardBufferedUsageForTesting());

const INT_MAX = 2 ** 31 - 1;
const NEAR = INT_MAX - 9;
const ADDED = 20;
const PAST = NEAR + ADDED;
const KEEP: UsageRetention = { eventsDays: 90, minuteDays: 14, hourDays: 90, dayDays: 400 };
const IP = "198.51.100.7";

let org: Org;
// `valid` carries the VALID rows near the limit, `limited` the RATE_LIMITED ones, so
// every rollup holds the same totals and each reader can be checked against them.
let valid: string;
let limited: string;
// A minute ago, so every preset range (24 h, 7 d, 30 d) holds it.
const now = Date.now();
const time = now - 60_000;
const floor = (ms: number, step: number) => new Date(ms - (ms % step));

function verification(keyId: string, outcome: UsageOutcome) {
  return usageEvent({ tenantId: org.tenant.id, keyId, time, outcome, ip: IP, latencyUs: 100 });
}

/** Every rollup row the flush will add to, already just under 2^31. */
async function seedNearTheLimit(): Promise<void> {
  const tenantId = org.tenant.id;
  const near = BigInt(NEAR);
  const perKey = (bucket: Date) => [
    { tenantId, keyId: valid, bucket, outcome: "VALID" as const, count: near },
    { tenantId, keyId: limited, bucket, outcome: "RATE_LIMITED" as const, count: near },
  ];
  const tenantWide = (bucket: Date) => [
    { tenantId, bucket, outcome: "VALID" as const, count: near },
    { tenantId, bucket, outcome: "RATE_LIMITED" as const, count: near },
  ];
  const minute = floor(time, 60_000);
  const hour = floor(time, HOUR_MS);
  const day = floor(time, DAY_MS);
  await db().usageMinute.createMany({ data: perKey(minute) });
  await db().usageHour.createMany({ data: perKey(hour) });
  await db().usageDay.createMany({ data: perKey(day) });
  await db().usageTenantMinute.createMany({ data: tenantWide(minute) });
  await db().usageTenantHour.createMany({ data: tenantWide(hour) });
  await db().usageTenantDay.createMany({ data: tenantWide(day) });
  await db().usageKeyDay.createMany({
    data: [
      { tenantId, keyId: valid, bucket: day, requests: near, denials: 0n },
      { tenantId, keyId: limited, bucket: day, requests: near, denials: near },
    ],
  });
  await db().usageClientIp.create({
    data: {
      tenantId,
      keyId: valid,
      ip: IP,
      firstSeen: new Date(time - 30 * DAY_MS),
      lastSeen: new Date(time - 120_000),
      count: near,
    },
  });
}

beforeAll(async () => {
  org = await createOrg();
  valid = (await insertKey(org.tenant.id)).id;
  limited = (await insertKey(org.tenant.id)).id;
  await seedNearTheLimit();
  for (let i = 0; i < ADDED; i++) {
    recordUsage(verification(valid, "VALID"));
    recordUsage(verification(limited, "RATE_LIMITED"));
  }
  // Before the counts were BIGINT, this flush failed with "integer out of range".
  await flushUsage();
});

describe("rollup counts past 2^31", () => {
  it("are written by the flush", async () => {
    expect(usageBufferStats().pending).toBe(0);
    const pair = await db().usageClientIp.findUniqueOrThrow({
      where: { tenantId_keyId_ip: { tenantId: org.tenant.id, keyId: valid, ip: IP } },
      select: { count: true },
    });
    expect(pair.count).toBe(BigInt(PAST));
    const keyDays = await db().usageKeyDay.findMany({
      where: { tenantId: org.tenant.id },
      select: { keyId: true, requests: true, denials: true },
    });
    expect(new Map(keyDays.map((r) => [r.keyId, [r.requests, r.denials]]))).toEqual(
      new Map([
        [valid, [BigInt(PAST), 0n]],
        [limited, [BigInt(PAST), BigInt(PAST)]],
      ]),
    );
  });

  it("read back exactly from every rollup the charts use", async () => {
    const ctx = org.viewer.ctx;
    // 24 h reads the minute rollups, 7 d the hour ones, 30 d the day ones.
    for (const preset of ["24h", "7d", "30d"] as const) {
      const range = parseUsageRange({ range: preset }, new Date(now), KEEP);
      const tenant = (await requestsOverTime(ctx, range)) ?? [];
      const sum = (key: "VALID" | "RATE_LIMITED" | "total") =>
        tenant.reduce((total, point) => total + point[key], 0);
      expect([preset, sum("VALID"), sum("RATE_LIMITED"), sum("total")]).toEqual([
        preset,
        PAST,
        PAST,
        2 * PAST,
      ]);
      const perKey = (await requestsOverTime(ctx, range, limited)) ?? [];
      expect(perKey.reduce((total, point) => total + point.RATE_LIMITED, 0)).toBe(PAST);
      expect(await denialsByReason(ctx, range, limited)).toEqual([
        { outcome: "RATE_LIMITED", count: PAST },
      ]);
      const top = await topKeys(ctx, range, "denials");
      expect(top.map((k) => [k.keyId, k.requests, k.denials])).toEqual([[limited, PAST, PAST]]);
    }
    const lines = await sparklines(ctx, [valid], { now });
    expect(lines[valid]?.reduce((total, n) => total + n, 0)).toBe(PAST);
  });

  it("reach the CSV export and the signals as whole numbers", async () => {
    const csv = await exportUsageCsv(
      org.owner.ctx,
      new URLSearchParams("chart=top-requests&range=30d"),
      new Date(now),
    );
    expect(csv.ok && csv.body).toContain(`,${PAST},0,0\r\n`);
    expect(csv.ok && csv.body).toContain(`,${PAST},0,${PAST}\r\n`);
    const found = await signals(org.viewer.ctx, { keyId: limited, now });
    expect(found.map((s) => s.summary)).toContainEqual(
      expect.stringMatching(/^2,147,483,658 denials in the last 24 hours, mostly rate limited;/),
    );
  });
});
