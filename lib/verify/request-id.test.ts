import { describe, expect, it } from "vitest";
import { newRequestId } from "./request-id";

describe("newRequestId", () => {
  it("is req_ and 32 lower-case hex digits", () => {
    for (let i = 0; i < 1_000; i++) expect(newRequestId()).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("never repeats, across many refills of its random pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(newRequestId());
    expect(seen.size).toBe(20_000);
  });

  it("uses every bit: each hex digit position takes many values", () => {
    const ids = Array.from({ length: 2_000 }, () => newRequestId().slice(4));
    for (let position = 0; position < 32; position++) {
      const digits = new Set(ids.map((id) => id[position]));
      expect(digits.size).toBe(16);
    }
  });
});
