import { describe, expect, it } from "vitest";
import { TtlLru } from "./lru";

describe("TtlLru", () => {
  it("expires entries at their deadline", () => {
    const lru = new TtlLru<string, number>(10);
    lru.set("a", 1, 100, 1_000);
    expect(lru.get("a", 1_099)).toBe(1);
    expect(lru.get("a", 1_100)).toBeUndefined();
    expect(lru.size).toBe(0);
  });

  it("evicts the least recently used entry when full", () => {
    const lru = new TtlLru<string, number>(2);
    lru.set("a", 1, 10_000, 0);
    lru.set("b", 2, 10_000, 0);
    expect(lru.get("a", 1_000)).toBe(1); // a is now the most recent
    lru.set("c", 3, 10_000, 1_001);
    expect(lru.get("b", 1_002)).toBeUndefined();
    expect(lru.get("a", 1_002)).toBe(1);
    expect(lru.get("c", 1_002)).toBe(3);
    expect(lru.size).toBe(2);
  });

  it("moves a read entry up at most once a second", () => {
    const lru = new TtlLru<string, number>(2);
    lru.set("a", 1, 10_000, 0);
    lru.set("b", 2, 10_000, 0);
    // Read within a second of being written: a keeps its place as the oldest.
    expect(lru.get("a", 999)).toBe(1);
    lru.set("c", 3, 10_000, 999);
    expect(lru.get("a", 999)).toBeUndefined();
    expect(lru.get("b", 999)).toBe(2);
  });

  it("deletes and clears", () => {
    const lru = new TtlLru<string, number>(2);
    lru.set("a", 1, 1_000, 0);
    lru.delete("a");
    expect(lru.get("a", 0)).toBeUndefined();
    lru.set("b", 1, 1_000, 0);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(() => new TtlLru(0)).toThrow(RangeError);
  });
});
