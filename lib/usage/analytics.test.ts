import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { UsageOutcome } from "@/lib/generated/prisma/enums";
import { displayKey } from "@/lib/keys/format";
import { createOrg, type Org } from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { insertKey } from "@/lib/verify/test-support";
import {
  budgetBurn,
  costAndTokens,
  denialsByReason,
  parseUsageRange,
  recentEvents,
  requestsOverTime,
  signals,
  sparklines,
  topKeys,
} from "./analytics";
import { DENIAL_OUTCOMES, type UsageRange, VERIFY_OUTCOMES } from "./analytics-types";
import { discardBufferedUsageForTesting, flushUsage, recordUsage } from "./buffer";
import { bucketStarts, DAY_MS, HOUR_MS, type UsageRetention } from "./range";
import type { UsageEventInput } from "./types";

setupTestDatabase();
afterAll(() => discardBufferedUsageForTesting());

// Every expectation is computed from the generated events by a plain JavaScript model,
// independently of the SQL and the rollups the DAL reads.

const NOW = Date.UTC(2030, 5, 15, 12, 34, 56);
const KEEP: UsageRetention = { eventsDays: 90, minuteDays: 14, hourDays: 90, dayDays: 400 };
const range = (input: Parameters<typeof parseUsageRange>[0]) =>
  parseUsageRange(input, new Date(NOW), KEEP);

let a: Org;
let b: Org;
const keys = { busy: "", monthly: "", quiet: "", leaked: "", other: "" };
const events: UsageEventInput[] = [];
// A known key is never NOT_FOUND; those events carry no key.
const KEYED_DENIALS = DENIAL_OUTCOMES.filter((o) => o !== "NOT_FOUND");

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function event(
  tenantId: string,
  keyId: string | null,
  time: number,
  outcome: UsageOutcome,
  extra: Partial<UsageEventInput> = {},
): UsageEventInput {
  return {
    tenantId,
    keyId,
    time,
    kind: outcome === "REPORTED" ? "REPORT" : "VERIFY",
    outcome,
    costCents: 0,
    tokens: 0,
    endpoint: null,
    resource: null,
    ip: null,
    latencyUs: 100,
    requestId: null,
    rollupCostCents: 0,
    persisted: false,
    ...extra,
  };
}

beforeAll(async () => {
  a = await createOrg();
  b = await createOrg();
  const monthStart = new Date(Date.UTC(2030, 5, 1));
  keys.busy = (
    await insertKey(a.tenant.id, {
      budgetCents: 100_000,
      budgetPeriod: "TOTAL",
      budgetSpentCents: 7_000,
    })
  ).id;
  keys.monthly = (
    await insertKey(a.tenant.id, {
      budgetCents: 5_000,
      budgetPeriod: "MONTHLY",
      budgetSpentCents: 1_200,
      budgetPeriodStart: monthStart,
    })
  ).id;
  keys.quiet = (await insertKey(a.tenant.id)).id;
  keys.leaked = (await insertKey(a.tenant.id, { createdAt: new Date(NOW - 30 * DAY_MS) })).id;
  keys.other = (await insertKey(b.tenant.id, { budgetCents: 900, budgetPeriod: "TOTAL" })).id;

  const random = rng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const spread = (tenantId: string, keyId: string, n: number, costly: boolean) => {
    for (let i = 0; i < n; i++) {
      const time = NOW - Math.floor(random() * 20 * DAY_MS);
      if (costly && random() < 0.2) {
        const cost = 1 + Math.floor(random() * 40);
        events.push(
          event(tenantId, keyId, time, "REPORTED", {
            costCents: cost,
            rollupCostCents: cost,
            tokens: Math.floor(random() * 900),
          }),
        );
        continue;
      }
      const outcome = random() < 0.85 ? "VALID" : pick(KEYED_DENIALS);
      const cost = costly && outcome === "VALID" ? Math.floor(random() * 5) : 0;
      events.push(
        event(tenantId, keyId, time, outcome, {
          costCents: cost,
          rollupCostCents: cost,
          ip: `192.0.2.${Math.floor(random() * 4)}`,
        }),
      );
    }
  };
  spread(a.tenant.id, keys.busy, 600, true);
  spread(a.tenant.id, keys.monthly, 200, true);
  spread(a.tenant.id, keys.quiet, 40, false);
  spread(b.tenant.id, keys.other, 150, true);
  for (let i = 0; i < 30; i++) {
    events.push(event(a.tenant.id, null, NOW - Math.floor(random() * 10 * DAY_MS), "NOT_FOUND"));
  }
  // The leaked key: two calls a day from one IP for a week, then a burst from new IPs
  // over the last hour, many of them rate limited.
  const today = NOW - (NOW % DAY_MS);
  for (let d = 1; d <= 7; d++) {
    for (const h of [9, 15]) {
      events.push(
        event(a.tenant.id, keys.leaked, today - d * DAY_MS + h * HOUR_MS, "VALID", {
          ip: "10.1.1.1",
        }),
      );
    }
  }
  for (let i = 0; i < 300; i++) {
    events.push(
      event(
        a.tenant.id,
        keys.leaked,
        NOW - 55 * 60_000 + i * 10_000,
        i % 5 === 0 ? "RATE_LIMITED" : "VALID",
        {
          ip: `198.51.100.${i % 20}`,
        },
      ),
    );
  }
  for (const e of events) recordUsage(e);
  await flushUsage();
});

function verifiesOf(tenantId: string, keyId?: string) {
  return events.filter(
    (e) =>
      e.tenantId === tenantId && e.kind === "VERIFY" && (keyId === undefined || e.keyId === keyId),
  );
}

function inRange(r: UsageRange, time: number): boolean {
  return time >= Date.parse(r.from) && time < Date.parse(r.to);
}

function expectedRequests(r: UsageRange, tenantId: string, keyId?: string) {
  return bucketStarts(r).map((start) => {
    const point: Record<string, number | string> = {
      bucket: new Date(start).toISOString(),
      total: 0,
    };
    for (const o of VERIFY_OUTCOMES) point[o] = 0;
    for (const e of verifiesOf(tenantId, keyId)) {
      if (e.time >= start && e.time < start + r.bucketMs) {
        point[e.outcome] = (point[e.outcome] as number) + 1;
        point.total = (point.total as number) + 1;
      }
    }
    return point;
  });
}

describe("usage analytics", () => {
  it.each(["24h", "7d", "30d", "90d"])(
    "counts requests per bucket and outcome (%s)",
    async (preset) => {
      const r = range({ range: preset });
      const tenant = await requestsOverTime(a.owner.ctx, r);
      expect(tenant).toEqual(expectedRequests(r, a.tenant.id));
      expect(tenant?.reduce((sum, p) => sum + p.total, 0)).toBeGreaterThan(0);
      expect(await requestsOverTime(a.viewer.ctx, r, keys.busy)).toEqual(
        expectedRequests(r, a.tenant.id, keys.busy),
      );
    },
  );

  it("bins a custom range into buckets of several minutes", async () => {
    const r = range({ from: "2030-06-14T00:00:00Z", to: "2030-06-15T12:00:00Z" });
    expect(r.bucketMs).toBe(15 * 60_000);
    expect(await requestsOverTime(a.admin.ctx, r)).toEqual(expectedRequests(r, a.tenant.id));
  });

  it("lists denials by reason, largest first", async () => {
    const r = range({ range: "30d" });
    for (const keyId of [undefined, keys.busy]) {
      const counts = new Map<string, number>();
      for (const e of verifiesOf(a.tenant.id, keyId)) {
        if (e.outcome !== "VALID" && inRange(r, e.time))
          counts.set(e.outcome, (counts.get(e.outcome) ?? 0) + 1);
      }
      const rows = await denialsByReason(a.viewer.ctx, r, keyId);
      expect(rows).toEqual(
        [...counts]
          .map(([outcome, count]) => ({ outcome, count }))
          .sort((x, y) => y.count - x.count || x.outcome.localeCompare(y.outcome)),
      );
      expect(rows?.some((row) => row.outcome === "NOT_FOUND")).toBe(keyId === undefined);
    }
  });

  it("sums cost and tokens per bucket", async () => {
    for (const r of [range({ range: "7d" }), range({ range: "30d" })]) {
      const expected = bucketStarts(r).map((start) => {
        let costCents = 0;
        let tokens = 0;
        for (const e of events) {
          if (e.tenantId !== a.tenant.id || e.keyId !== keys.monthly) continue;
          if (e.time >= start && e.time < start + r.bucketMs) {
            costCents += e.rollupCostCents;
            tokens += e.tokens;
          }
        }
        return { bucket: new Date(start).toISOString(), costCents, tokens };
      });
      expect(await costAndTokens(a.owner.ctx, r, keys.monthly)).toEqual(expected);
      const tenant = await costAndTokens(a.owner.ctx, r);
      const total = events
        .filter((e) => e.tenantId === a.tenant.id && inRange(r, e.time))
        .reduce((sum, e) => sum + e.rollupCostCents, 0);
      expect(tenant?.reduce((sum, p) => sum + p.costCents, 0)).toBe(total);
      expect(total).toBeGreaterThan(0);
    }
  });

  it("ranks the top keys by requests, cost and denials", async () => {
    const r = range({ range: "30d" });
    const totals = [keys.busy, keys.monthly, keys.quiet, keys.leaked].map((keyId) => {
      const mine = events.filter(
        (e) => e.tenantId === a.tenant.id && e.keyId === keyId && inRange(r, e.time),
      );
      return {
        keyId,
        requests: mine.filter((e) => e.kind === "VERIFY").length,
        costCents: mine.reduce((sum, e) => sum + e.rollupCostCents, 0),
        denials: mine.filter((e) => e.kind === "VERIFY" && e.outcome !== "VALID").length,
      };
    });
    for (const metric of ["requests", "cost", "denials"] as const) {
      const field = metric === "cost" ? "costCents" : metric;
      const expected = totals
        .filter((t) => t[field] > 0)
        .sort((x, y) => y[field] - x[field] || (x.keyId < y.keyId ? -1 : 1))
        .slice(0, 3);
      const top = await topKeys(a.viewer.ctx, r, metric, 3);
      expect(
        top.map(({ keyId, requests, costCents, denials }) => ({
          keyId,
          requests,
          costCents,
          denials,
        })),
      ).toEqual(expected);
    }
    const [first] = await topKeys(a.owner.ctx, r, "cost", 1);
    const key = await db().apiKey.findUniqueOrThrow({ where: { id: first?.keyId ?? "" } });
    expect(first?.display).toBe(displayKey(key.start, key.last4));
    expect(first?.name).toBe(key.name);
  });

  it("draws 7-day sparklines, oldest day first, today included", async () => {
    const today = NOW - (NOW % DAY_MS);
    const lines = await sparklines(a.viewer.ctx, [keys.busy, keys.quiet, keys.other, "missing"], {
      now: NOW,
    });
    for (const keyId of [keys.busy, keys.quiet]) {
      const expected = [6, 5, 4, 3, 2, 1, 0].map(
        (ago) =>
          verifiesOf(a.tenant.id, keyId).filter(
            (e) => e.time >= today - ago * DAY_MS && e.time < today - (ago - 1) * DAY_MS,
          ).length,
      );
      expect(lines[keyId]).toEqual(expected);
    }
    expect(lines[keys.busy]?.some((n) => n > 0)).toBe(true);
    // Another tenant's key reads as no usage.
    expect(lines[keys.other]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(lines.missing).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it("burns budgets down from the spend the verify path counts", async () => {
    const r = range({ range: "30d" });
    const burns = await budgetBurn(a.viewer.ctx, r, undefined, { now: NOW });
    // Most burnt first: the monthly key has spent 24%, the busy one 7%.
    expect(burns?.map((x) => x.keyId)).toEqual([keys.monthly, keys.busy]);
    const costOf = (keyId: string, from: number, to: number) =>
      events
        .filter(
          (e) => e.tenantId === a.tenant.id && e.keyId === keyId && e.time >= from && e.time < to,
        )
        .reduce((sum, e) => sum + e.rollupCostCents, 0);
    const starts = bucketStarts(r);
    const from = Date.parse(r.from);
    const june = Date.UTC(2030, 5, 1);
    for (const burn of burns ?? []) {
      const monthly = burn.keyId === keys.monthly;
      expect(burn.spentCents).toBe(monthly ? 1_200 : 7_000);
      expect(burn.points).toEqual(
        starts.map((start) => {
          const end = start + r.bucketMs;
          const spentAtEnd =
            monthly && end <= june
              ? costOf(burn.keyId, Date.UTC(2030, 4, 1), end)
              : burn.spentCents - costOf(burn.keyId, end, NOW + 1);
          return {
            bucket: new Date(start).toISOString(),
            spentCents: costOf(burn.keyId, from, end),
            remainingCents: Math.max(0, burn.budgetCents - Math.max(0, spentAtEnd)),
          };
        }),
      );
    }
    expect(await budgetBurn(a.owner.ctx, r, keys.quiet, { now: NOW })).toEqual([]);
    const one = await budgetBurn(a.owner.ctx, r, keys.busy, { now: NOW });
    expect(one?.map((x) => x.keyId)).toEqual([keys.busy]);
  });

  it("pages through a key's events, newest first", async () => {
    const expected = events
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.keyId === keys.quiet)
      .sort((x, y) => y.e.time - x.e.time);
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page = await recentEvents(a.viewer.ctx, keys.quiet, { before, pageSize: 15 });
      if (!page) throw new Error("expected a page");
      seen.push(...page.rows.map((row) => `${row.time}|${row.outcome}|${row.ip}`));
      before = page.nextBefore;
      pages++;
    } while (before !== null && pages < 10);
    expect(pages).toBe(Math.ceil(expected.length / 15));
    expect(seen).toEqual(
      expected.map(({ e }) => `${new Date(e.time).toISOString()}|${e.outcome}|${e.ip}`),
    );
    const garbage = await recentEvents(a.owner.ctx, keys.quiet, { before: "'; drop", pageSize: 5 });
    expect(garbage?.rows.map((row) => `${row.time}|${row.outcome}|${row.ip}`)).toEqual(
      seen.slice(0, 5),
    );
  });

  it("flags the leaked key: spike, new IPs and climbing denials", async () => {
    const found = await signals(a.viewer.ctx, { now: NOW });
    const leaked = found.filter((s) => s.keyId === keys.leaked).map((s) => s.kind);
    expect(leaked.sort()).toEqual(["denials_rising", "new_ips", "spike"]);
    // The steady keys raise nothing.
    expect(found.filter((s) => s.keyId !== keys.leaked)).toEqual([]);
    const spike = found.find((s) => s.kind === "spike");
    expect(spike?.summary).toMatch(
      /^300 requests in the last 95 minutes \(190 an hour\), 2275× its usual rate \(2 a day\)\.$/,
    );
    expect(found.find((s) => s.kind === "new_ips")?.summary).toMatch(
      /^20 new client IPs in the last 24 hours \(198\.51\.100\.\d+, .*, …\); it had been used from 1 before\.$/,
    );
    expect(found.find((s) => s.kind === "denials_rising")?.summary).toBe(
      "60 denials in the last 24 hours, mostly rate limited; it had almost none in the 7 days before.",
    );
    expect((await signals(a.owner.ctx, { keyId: keys.leaked, now: NOW })).length).toBe(3);
    expect(await signals(a.owner.ctx, { keyId: keys.quiet, now: NOW })).toEqual([]);
  });

  it("gives another tenant nothing of this tenant's", async () => {
    const r = range({ range: "30d" });
    const ctx = b.owner.ctx;
    expect(await requestsOverTime(ctx, r, keys.busy)).toBeNull();
    expect(await denialsByReason(ctx, r, keys.busy)).toBeNull();
    expect(await costAndTokens(ctx, r, keys.busy)).toBeNull();
    expect(await budgetBurn(ctx, r, keys.busy)).toBeNull();
    expect(await recentEvents(ctx, keys.busy, {})).toBeNull();
    expect(await signals(ctx, { keyId: keys.leaked, now: NOW })).toEqual([]);
    expect((await sparklines(ctx, [keys.busy]))[keys.busy]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // Tenant-wide, B sees exactly its own usage.
    expect(await requestsOverTime(ctx, r)).toEqual(expectedRequests(r, b.tenant.id));
    expect((await topKeys(ctx, r, "requests")).map((t) => t.keyId)).toEqual([keys.other]);
    expect((await budgetBurn(ctx, r))?.map((x) => x.keyId)).toEqual([keys.other]);
    expect((await signals(ctx, { now: NOW })).map((s) => s.keyId)).not.toContain(keys.leaked);
  });
});
