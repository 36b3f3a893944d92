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
    lru.set("a", 1, 1_000, 0);
    lru.set("b", 2, 1_000, 0);
    expect(lru.get("a", 1)).toBe(1); // a is now the most recent
    lru.set("c", 3, 1_000, 2);
    expect(lru.get("b", 3)).toBeUndefined();
    expect(lru.get("a", 3)).toBe(1);
    expect(lru.get("c", 3)).toBe(3);
    expect(lru.size).toBe(2);
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
