import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createOrg, type Org } from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { insertKey } from "@/lib/verify/test-support";
import { recentEvents } from "./analytics";
import { writeBatch } from "./flush-sql";
import { usageEvent } from "./test-support";

setupTestDatabase();

// A key's events as two instances flush them: 40 batch rows whose time ranges overlap
// (each holds events from anywhere in a ten-second window, some spanning all of it),
// plus events written in their request (UsageEvent rows), some at the very millisecond
// of a batched event. Every event is told apart by its latency.
const START = Date.UTC(2031, 2, 3, 4, 5, 6);
const BATCHES = 40;

let org: Org;
let keyId: string;
const expected: { time: number; marker: number; single: boolean }[] = [];

/** A deterministic pseudo-random sequence, so a failure reproduces. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

beforeAll(async () => {
  org = await createOrg();
  keyId = (await insertKey(org.tenant.id)).id;
  const other = await insertKey(org.tenant.id);
  const random = sequence(7);
  let marker = 0;
  for (let b = 0; b < BATCHES; b++) {
    const events = [];
    const count = 1 + Math.floor(random() * 12);
    for (let i = 0; i < count; i++) {
      // Every fifth batch spans the whole window: its oldest and newest events are far apart.
      const time = b % 5 === 0 && i === 0 ? START : START + Math.floor(random() * 10_000);
      marker++;
      events.push(usageEvent({ tenantId: org.tenant.id, keyId, time, latencyUs: marker }));
      expected.push({ time, marker, single: false });
      // Another key's events share the batches and must not show.
      events.push(usageEvent({ tenantId: org.tenant.id, keyId: other.id, time, latencyUs: 0 }));
    }
    await writeBatch(events);
  }
  const batched = expected.map((e) => e.time);
  const singles = [];
  for (let i = 0; i < 30; i++) {
    const time = i % 3 === 0 ? (batched[i * 7] as number) : START + Math.floor(random() * 10_000);
    marker++;
    singles.push({
      tenantId: org.tenant.id,
      keyId,
      time: new Date(time),
      kind: "VERIFY" as const,
      outcome: "VALID" as const,
      costCents: 3,
      latencyUs: marker,
      requestId: `reservation:req_${i}`,
    });
    expected.push({ time, marker, single: true });
  }
  await db().usageEvent.createMany({ data: singles });
});

async function allPages(pageSize: number): Promise<{ time: number; marker: number; id: string }[]> {
  const seen = [];
  let before: string | null = null;
  let pages = 0;
  do {
    const page = await recentEvents(org.viewer.ctx, keyId, { before, pageSize });
    if (!page) throw new Error("expected a page");
    expect(page.rows.length).toBeLessThanOrEqual(pageSize);
    for (const row of page.rows) {
      seen.push({ time: Date.parse(row.time), marker: row.latencyUs ?? -1, id: row.id });
    }
    before = page.nextBefore;
    pages++;
  } while (before !== null && pages < 1_000);
  return seen;
}

describe("recent events", () => {
  it("pages through overlapping batches and single rows newest first, each event once", async () => {
    const byTime = [...expected].sort((x, y) => y.time - x.time);
    for (const pageSize of [1, 7, 50, 200]) {
      const seen = await allPages(pageSize);
      expect(seen.map((e) => e.time)).toEqual(byTime.map((e) => e.time));
      expect(seen.map((e) => e.marker).sort((x, y) => x - y)).toEqual(
        expected.map((e) => e.marker).sort((x, y) => x - y),
      );
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    }
  });

  it("shows an event written in its request before batched events of the same millisecond", async () => {
    const seen = await allPages(7);
    const singles = new Set(expected.filter((e) => e.single).map((e) => e.marker));
    let ties = 0;
    for (let i = 1; i < seen.length; i++) {
      const [previous, current] = [seen[i - 1], seen[i]];
      if (!previous || !current || previous.time !== current.time) continue;
      if (singles.has(current.marker)) expect(singles.has(previous.marker)).toBe(true);
      ties++;
    }
    expect(ties).toBeGreaterThan(0);
  });
});
