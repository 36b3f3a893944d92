import { describe, expect, it } from "vitest";
import { aggregate, batchStatements } from "./flush-sql";
import { usageEvent } from "./test-support";
import type { UsageEventInput } from "./types";

// The batch builder folds runs of one key's events without looking each one up; whatever
// the order of a batch, its totals must equal a plain event-by-event count.

const MINUTE = 60_000;
const T0 = Date.UTC(2031, 4, 1, 12, 0, 0);

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function events(seed: number, count: number): UsageEventInput[] {
  const next = random(seed);
  const out: UsageEventInput[] = [];
  let key = 0;
  for (let i = 0; i < count; i++) {
    // Runs of one key (as a busy key sends them) broken up by other keys and tenants.
    if (next() < 0.2) key = Math.floor(next() * 4);
    out.push(
      usageEvent({
        tenantId: next() < 0.1 ? "t2" : "t1",
        keyId: key === 3 ? null : `k${key}`,
        time: T0 + Math.floor(next() * 3 * MINUTE),
        outcome: next() < 0.8 ? "VALID" : "RATE_LIMITED",
        tokens: Math.floor(next() * 3),
        rollupCostCents: Math.floor(next() * 5),
      }),
    );
  }
  return out;
}

type Totals = [count: number, cost: number, tokens: number];

function naiveTotals(batch: readonly UsageEventInput[]): Map<string, Totals> {
  const totals = new Map<string, Totals>();
  for (const e of batch) {
    const id = [e.tenantId, e.keyId ?? "", e.time - (e.time % MINUTE), e.outcome].join("|");
    const [count, cost, tokens] = totals.get(id) ?? [0, 0, 0];
    totals.set(id, [count + 1, cost + e.rollupCostCents, tokens + e.tokens]);
  }
  return totals;
}

describe("batch building", () => {
  it("counts every event in its minute bucket exactly once, in any order of keys", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const batch = events(seed, 2_000);
      const buckets = aggregate(batch, MINUTE);
      const got = new Map(
        buckets.map((b) => [
          [b.tenantId, b.keyId, b.bucket, b.outcome].join("|"),
          [b.count, b.cost, b.tokens],
        ]),
      );
      expect(got).toEqual(naiveTotals(batch));
      expect(new Set(got.keys()).size).toBe(buckets.length);
    }
  });

  it("touches each key with the latest time of its events", () => {
    for (const seed of [6, 7, 8]) {
      const batch = events(seed, 2_000);
      const latest = new Map<string, number>();
      for (const e of batch) {
        if (e.keyId !== null) latest.set(e.keyId, Math.max(latest.get(e.keyId) ?? 0, e.time));
      }
      const touch = batchStatements(batch).find((s) => s.sql.startsWith('UPDATE "ApiKey"'));
      const pairs: [string, string][] = [];
      const params = touch?.params ?? [];
      for (let i = 0; i < params.length; i += 2) {
        pairs.push([String(params[i]), String(params[i + 1])]);
      }
      expect(new Map(pairs)).toEqual(
        new Map([...latest].map(([key, time]) => [key, new Date(time).toISOString()])),
      );
    }
  });
});
