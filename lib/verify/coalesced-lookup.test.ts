import { describe, expect, it } from "vitest";
import { CoalescedKeyLookup } from "./coalesced-lookup";
import type { KeyRecord } from "./record";

const record = (hash: string) => ({ id: `key-${hash}` }) as unknown as KeyRecord;

/** A fake batch query that records each call and can be held open. */
function fakeStore(known: Set<string>) {
  const calls: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const loadMany = async (hashes: readonly string[]) => {
    calls.push([...hashes]);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    return new Map(hashes.filter((h) => known.has(h)).map((h) => [h, record(h)]));
  };
  return { calls, loadMany, maxInFlight: () => maxInFlight };
}

describe("CoalescedKeyLookup", () => {
  it("looks up everything that missed within the interval in one query", async () => {
    const store = fakeStore(new Set(["b"]));
    const lookup = new CoalescedKeyLookup({ loadMany: store.loadMany, waitMs: 20, maxBatch: 100 });
    const answers = await Promise.all(["a", "b", "c", "a"].map((hash) => lookup.load(hash)));
    expect(answers.map((a) => a?.id ?? null)).toEqual([null, "key-b", null, null]);
    expect(store.calls).toEqual([["a", "b", "c"]]);
    expect(lookup.batches).toBe(1);
  });

  it("bounds each batch, drains a full queue without waiting, one query at a time", async () => {
    const store = fakeStore(new Set(["k7"]));
    const lookup = new CoalescedKeyLookup({ loadMany: store.loadMany, waitMs: 20, maxBatch: 10 });
    const hashes = Array.from({ length: 35 }, (_, i) => `k${i}`);
    const started = performance.now();
    const answers = await Promise.all(hashes.map((hash) => lookup.load(hash)));
    expect(answers.filter((a) => a !== null).map((a) => a?.id)).toEqual(["key-k7"]);
    expect(store.calls.map((call) => call.length)).toEqual([10, 10, 10, 5]);
    expect(store.maxInFlight()).toBe(1);
    // The full batches did not each wait for an interval; only the first and the last.
    expect(performance.now() - started).toBeLessThan(20 * 4);
  });

  it("a failed query rejects its batch only, and the next batch runs", async () => {
    let fail = true;
    const lookup = new CoalescedKeyLookup({
      loadMany: async (hashes) => {
        if (fail) {
          fail = false;
          throw new Error("connection lost");
        }
        return new Map(hashes.map((h) => [h, record(h)]));
      },
      waitMs: 5,
      maxBatch: 100,
    });
    await expect(lookup.load("x")).rejects.toThrow("connection lost");
    expect((await lookup.load("y"))?.id).toBe("key-y");
  });
});
