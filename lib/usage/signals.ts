import "server-only";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { displayKey } from "@/lib/keys/format";
import type { KeySignal, SignalKind } from "./analytics-types";
import { type Num, num } from "./numbers";
import { outcomeLabel } from "./outcome-labels";
import { DENIAL_OUTCOMES_SQL } from "./outcome-sql";
import { DAY_MS, HOUR_MS } from "./range";

/**
 * What a person looks for when a key may have leaked, computed from the rollups and the
 * per-key client IPs (never from raw events):
 *
 * - spike: the request rate since the start of the previous hour (UsageHour, so 60–120
 *   minutes of data) is at least SPIKE_FACTOR× the key's average hourly rate over the 7
 *   full UTC days before today (UsageKeyDay), with at least SPIKE_MIN_REQUESTS requests. A
 *   key with no traffic in those days counts only if it is older than 7 days (a new key
 *   starting up is not a spike).
 * - new_ips: client IPs first seen in the last 24 hours on a key that had been used from
 *   other IPs before, at least one new IP per four known ones (a key used from 2 IPs that
 *   shows up at a third is flagged; one used from 200 needs 50 new).
 * - denials_rising: denials in the last 24 hours (UsageHour) at least DENIAL_FACTOR× the
 *   key's daily average over the 7 days before today, and at least DENIAL_MIN of them.
 */

const SPIKE_FACTOR = 5;
const SPIKE_MIN_REQUESTS = 50;
const DENIAL_FACTOR = 3;
const DENIAL_MIN = 20;
const BASELINE_DAYS = 7;
const MAX_SIGNALS = 50;

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

function factor(current: number, usual: number): string {
  const x = current / usual;
  return x >= 10 ? `${Math.round(x)}×` : `${x.toFixed(1).replace(/\.0$/, "")}×`;
}

/** An hourly rate as a person reads it: "35 an hour", or "12 a day" when under one an hour. */
function usualText(perHour: number): string {
  return perHour >= 1 ? `${fmt(perHour)} an hour` : `${fmt(perHour * 24)} a day`;
}

type Found = { keyId: string; kind: SignalKind; summary: string; weight: number };

/**
 * Keys that need attention (tenant-wide, strongest first) or, with `keyId`, that key's
 * signals ([] when it is not the tenant's).
 */
export async function signals(
  ctx: TenantContext,
  opts: { keyId?: string; now?: number } = {},
): Promise<KeySignal[]> {
  assertCan(ctx, "tenant:read");
  const now = opts.now ?? Date.now();
  const hourStart = now - (now % HOUR_MS);
  const spikeFrom = hourStart - HOUR_MS;
  const denialFrom = hourStart - 23 * HOUR_MS;
  const today = now - (now % DAY_MS);
  const baselineFrom = today - BASELINE_DAYS * DAY_MS;
  const ipCutoff = now - DAY_MS;
  const keyFilter =
    opts.keyId === undefined
      ? Prisma.sql`AND "keyId" <> ''`
      : Prisma.sql`AND "keyId" = ${opts.keyId}`;
  const tenant = ctx.tenantId;

  // First the recent windows (small: two hours, one day of denial rows, new IPs), then
  // the 7-day baseline only for the keys that could raise a signal.
  const [recent, denials, ips] = await Promise.all([
    db().$queryRaw<{ keyId: string; count: Num }[]>`
      SELECT "keyId", sum("count")::int8 AS "count" FROM "UsageHour"
      WHERE "tenantId" = ${tenant} AND "bucket" >= ${new Date(spikeFrom)} ${keyFilter}
        AND "outcome" <> 'REPORTED'
      GROUP BY 1 HAVING sum("count") >= ${SPIKE_MIN_REQUESTS}`,
    db().$queryRaw<{ keyId: string; outcome: string; count: Num }[]>`
      SELECT "keyId", "outcome"::text AS "outcome", sum("count")::int8 AS "count" FROM "UsageHour"
      WHERE "tenantId" = ${tenant} AND "bucket" >= ${new Date(denialFrom)} ${keyFilter}
        AND "outcome" IN (${DENIAL_OUTCOMES_SQL})
      GROUP BY 1, 2`,
    db().$queryRaw<{ keyId: string; fresh: Num; known: Num; sample: string[] }[]>`
      SELECT "keyId",
        count(*) FILTER (WHERE "firstSeen" >= ${new Date(ipCutoff)})::int8 AS "fresh",
        count(*) FILTER (WHERE "firstSeen" < ${new Date(ipCutoff)})::int8 AS "known",
        (array_agg("ip" ORDER BY "firstSeen" DESC) FILTER (WHERE "firstSeen" >= ${new Date(ipCutoff)}))[1:3] AS "sample"
      FROM "UsageClientIp"
      WHERE "tenantId" = ${tenant} AND "keyId" IN (
        SELECT DISTINCT "keyId" FROM "UsageClientIp"
        WHERE "tenantId" = ${tenant} AND "firstSeen" >= ${new Date(ipCutoff)} ${keyFilter}
      )
      GROUP BY 1`,
  ]);

  const denialTotals = new Map<string, { total: number; top: string; topCount: number }>();
  for (const r of denials) {
    const count = num(r.count);
    const entry = denialTotals.get(r.keyId) ?? { total: 0, top: r.outcome, topCount: 0 };
    entry.total += count;
    if (count > entry.topCount) {
      entry.top = r.outcome;
      entry.topCount = count;
    }
    denialTotals.set(r.keyId, entry);
  }
  const candidates = [
    ...new Set([
      ...recent.map((r) => r.keyId),
      ...[...denialTotals].filter(([, d]) => d.total >= DENIAL_MIN).map(([keyId]) => keyId),
    ]),
  ];
  const baseline =
    candidates.length === 0
      ? []
      : await db().$queryRaw<{ keyId: string; requests: Num; denials: Num }[]>`
          SELECT "keyId", sum("requests")::int8 AS "requests", sum("denials")::int8 AS "denials"
          FROM "UsageKeyDay"
          WHERE "keyId" IN (${Prisma.join(candidates)}) AND "tenantId" = ${tenant}
            AND "bucket" >= ${new Date(baselineFrom)} AND "bucket" < ${new Date(today)}
          GROUP BY 1`;

  const usual = new Map(
    baseline.map((r) => [r.keyId, { requests: num(r.requests), denials: num(r.denials) }]),
  );
  const found: Found[] = [];

  const hours = (now - spikeFrom) / HOUR_MS;
  const spikeCandidates: { keyId: string; count: number; rate: number; usualRate: number }[] = [];
  for (const r of recent) {
    const count = num(r.count);
    if (count < SPIKE_MIN_REQUESTS) continue;
    const rate = count / hours;
    const usualRate = (usual.get(r.keyId)?.requests ?? 0) / (BASELINE_DAYS * 24);
    if (rate >= SPIKE_FACTOR * usualRate)
      spikeCandidates.push({ keyId: r.keyId, count, rate, usualRate });
  }

  for (const [keyId, d] of denialTotals) {
    if (d.total < DENIAL_MIN) continue;
    const usualPerDay = (usual.get(keyId)?.denials ?? 0) / BASELINE_DAYS;
    if (d.total < DENIAL_FACTOR * usualPerDay) continue;
    // The charts' label for the main reason, lower-cased to run on in the sentence
    // ("mostly rate limited", "mostly forbidden (IP, endpoint, resource)").
    const label = outcomeLabel(d.top);
    const reason = `mostly ${label.charAt(0).toLowerCase()}${label.slice(1)}`;
    found.push({
      keyId,
      kind: "denials_rising",
      summary:
        usualPerDay > 0
          ? `${fmt(d.total)} denials in the last 24 hours, ${reason}; ${factor(d.total, usualPerDay)} its usual ${fmt(usualPerDay)} a day.`
          : `${fmt(d.total)} denials in the last 24 hours, ${reason}; it had almost none in the 7 days before.`,
      weight: usualPerDay > 0 ? d.total / usualPerDay : d.total,
    });
  }

  for (const r of ips) {
    const fresh = num(r.fresh);
    const known = num(r.known);
    if (fresh < 1 || known < 1 || fresh * 4 < known) continue;
    const sample = (r.sample ?? []).join(", ");
    found.push({
      keyId: r.keyId,
      kind: "new_ips",
      summary: `${fmt(fresh)} new client IP${fresh === 1 ? "" : "s"} in the last 24 hours (${sample}${fresh > 3 ? ", …" : ""}); it had been used from ${fmt(known)} before.`,
      weight: fresh / known,
    });
  }

  const ids = [...new Set([...spikeCandidates.map((c) => c.keyId), ...found.map((f) => f.keyId)])];
  if (ids.length === 0) return [];
  const keys = await db().apiKey.findMany({
    where: { tenantId: tenant, id: { in: ids } },
    select: { id: true, name: true, start: true, last4: true, createdAt: true },
  });
  const byId = new Map(keys.map((k) => [k.id, k]));

  for (const c of spikeCandidates) {
    const key = byId.get(c.keyId);
    if (!key) continue;
    if (c.usualRate === 0 && key.createdAt.getTime() > now - BASELINE_DAYS * DAY_MS) continue;
    const minutes = Math.round((now - spikeFrom) / 60_000);
    found.push({
      keyId: c.keyId,
      kind: "spike",
      summary:
        c.usualRate > 0
          ? `${fmt(c.count)} requests in the last ${minutes} minutes (${fmt(c.rate)} an hour), ${factor(c.rate, c.usualRate)} its usual rate (${usualText(c.usualRate)}).`
          : `${fmt(c.count)} requests in the last ${minutes} minutes; it had no requests in the 7 days before.`,
      weight: c.usualRate > 0 ? c.rate / c.usualRate : c.rate,
    });
  }

  const order: Record<SignalKind, number> = { spike: 0, new_ips: 1, denials_rising: 2 };
  return found
    .filter((f) => byId.has(f.keyId))
    .sort(
      (a, b) =>
        order[a.kind] - order[b.kind] || b.weight - a.weight || (a.keyId < b.keyId ? -1 : 1),
    )
    .slice(0, MAX_SIGNALS)
    .map((f) => {
      const key = byId.get(f.keyId);
      return {
        keyId: f.keyId,
        name: key?.name ?? "",
        display: key ? displayKey(key.start, key.last4) : "",
        kind: f.kind,
        summary: f.summary,
      };
    });
}
