import { describe, expect, it } from "vitest";
import {
  compileEndpointPatterns,
  compileResourceMatcher,
  isEndpointAllowed,
  isResourceAllowed,
  isValidResourcePattern,
  parseEndpointPattern,
} from "./endpoints";

function patternError(s: string): string {
  const result = parseEndpointPattern(s);
  if (result.ok) throw new Error(`expected ${s} to be rejected`);
  return result.error;
}

describe("parseEndpointPattern", () => {
  it("parses method, segments and a trailing **", () => {
    expect(parseEndpointPattern("/v1/orders/*")).toEqual({
      ok: true,
      value: { method: null, segments: ["v1", "orders", "*"], deep: false },
    });
    expect(parseEndpointPattern("get /v1/orders/**")).toEqual({
      ok: true,
      value: { method: "GET", segments: ["v1", "orders"], deep: true },
    });
    expect(parseEndpointPattern("/")).toEqual({
      ok: true,
      value: { method: null, segments: [], deep: false },
    });
    expect(parseEndpointPattern("/v1/orders/")).toEqual({
      ok: true,
      value: { method: null, segments: ["v1", "orders"], deep: false },
    });
  });

  it("rejects bad patterns with a message", () => {
    expect(patternError("")).toMatch(/Enter a path/);
    expect(patternError("v1/orders")).toMatch(/start with "\/"/);
    expect(patternError("GTE /v1/orders")).toMatch(/Unknown HTTP method "GTE"/);
    expect(patternError("/v1/**/items")).toMatch(/only allowed as the last segment/);
    expect(patternError("/v1/ord*")).toMatch(/whole segment/);
    expect(patternError("/v1/***")).toMatch(/whole segment/);
    expect(patternError("/v1//orders")).toMatch(/Empty path segment/);
    expect(patternError("/v1/../admin")).toMatch(/"\." and "\.\."/);
    expect(patternError("/v1/orders?x=1")).toMatch(/not allowed in a path/);
    expect(patternError("/v1/or ders")).toMatch(/not allowed in a path/);
    expect(patternError(`/${"a".repeat(300)}`)).toMatch(/Longer than/);
  });
});

describe("isEndpointAllowed", () => {
  it("allows anything when no patterns are set, even a missing endpoint", () => {
    expect(isEndpointAllowed(undefined, [])).toBe(true);
    expect(isEndpointAllowed("/anything", [])).toBe(true);
  });

  it("denies a missing endpoint when patterns are set", () => {
    expect(isEndpointAllowed(undefined, ["/**"])).toBe(false);
    expect(isEndpointAllowed("", ["/**"])).toBe(false);
  });

  it("matches exact paths exactly, case-sensitively", () => {
    const patterns = ["/v1/orders"];
    expect(isEndpointAllowed("/v1/orders", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders/", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders?page=2", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders#x", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/Orders", patterns)).toBe(false);
    expect(isEndpointAllowed("/v1/orders/1", patterns)).toBe(false);
    expect(isEndpointAllowed("/v1/order", patterns)).toBe(false);
    expect(isEndpointAllowed("/v1", patterns)).toBe(false);
    expect(isEndpointAllowed("v1/orders", patterns)).toBe(false);
  });

  it("* matches exactly one non-empty segment", () => {
    const patterns = ["/v1/orders/*"];
    expect(isEndpointAllowed("/v1/orders/123", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders/123/", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders", patterns)).toBe(false);
    expect(isEndpointAllowed("/v1/orders/123/items", patterns)).toBe(false);
    expect(isEndpointAllowed("/v1/*/123", ["/v1/*/123"])).toBe(true);
    expect(isEndpointAllowed("/v1/users/123", ["/v1/*/123"])).toBe(true);
  });

  it("** matches one or more segments", () => {
    const patterns = ["/v1/orders/**"];
    expect(isEndpointAllowed("/v1/orders/1", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders/1/items/2", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders", patterns)).toBe(false);
    expect(isEndpointAllowed("/v1/ordersx/1", patterns)).toBe(false);
    expect(isEndpointAllowed("/v2/orders/1", patterns)).toBe(false);
    expect(isEndpointAllowed("/", ["/**"])).toBe(false);
    expect(isEndpointAllowed("/a", ["/**"])).toBe(true);
    expect(isEndpointAllowed("/", ["/"])).toBe(true);
  });

  it("honours method prefixes case-insensitively", () => {
    const patterns = ["GET /v1/orders/*", "post /v1/orders"];
    expect(isEndpointAllowed("GET /v1/orders/1", patterns)).toBe(true);
    expect(isEndpointAllowed("get /v1/orders/1", patterns)).toBe(true);
    expect(isEndpointAllowed("POST /v1/orders", patterns)).toBe(true);
    expect(isEndpointAllowed("DELETE /v1/orders/1", patterns)).toBe(false);
    expect(isEndpointAllowed("POST /v1/orders/1", patterns)).toBe(false);
    // A pattern with a method cannot be met by an endpoint that has none.
    expect(isEndpointAllowed("/v1/orders/1", patterns)).toBe(false);
    // A pattern without a method accepts any method.
    expect(isEndpointAllowed("DELETE /v1/x", ["/v1/x"])).toBe(true);
  });

  it("refuses traversal and ambiguous encodings even under **", () => {
    const patterns = ["/v1/orders/**", "/v1/orders/*"];
    const hostile = [
      "/v1/orders/../admin",
      "/v1/orders/./1",
      "/v1/orders/%2e%2e/admin",
      "/v1/orders/%2E%2e",
      "/v1/orders/.%2e/admin",
      "/v1/orders/a%2fb",
      "/v1/orders/a%2F..%2Fadmin",
      "/v1/orders/a%5cb",
      "/v1/orders\\..\\admin",
      "/v1/orders//1",
      "/v1/orders/%zz",
      "/v1/orders/a b",
      "/v1/orders/1\n",
    ];
    for (const endpoint of hostile)
      expect(isEndpointAllowed(endpoint, patterns), endpoint).toBe(false);
    expect(isEndpointAllowed("/v1/orders/a%20b", patterns)).toBe(true);
    expect(isEndpointAllowed("/v1/orders/..x", patterns)).toBe(true);
  });

  it("ignores invalid stored patterns instead of widening access", () => {
    expect(isEndpointAllowed("/v1/anything", ["/v1/**/x", "/v1/ord*"])).toBe(false);
    expect(isEndpointAllowed("/v1/orders", ["/v1/ord*", "/v1/orders"])).toBe(true);
  });

  it("rejects absurdly long endpoints", () => {
    expect(isEndpointAllowed(`/${"a/".repeat(2000)}`, ["/**"])).toBe(false);
  });

  it("compiles once and matches many times", () => {
    const allowed = compileEndpointPatterns(["GET /v1/orders/**", "/health"]);
    expect(allowed("GET /v1/orders/1")).toBe(true);
    expect(allowed("HEAD /health")).toBe(true);
    expect(allowed("PUT /v1/orders/1")).toBe(false);
    expect(allowed(undefined)).toBe(false);
  });
});

describe("resources", () => {
  it("empty list allows anything, including no resource", () => {
    expect(isResourceAllowed(undefined, [])).toBe(true);
    expect(isResourceAllowed("gpt-4o", [])).toBe(true);
  });

  it("matches exactly, case-sensitively", () => {
    expect(isResourceAllowed("gpt-4o", ["gpt-4o", "claude"])).toBe(true);
    expect(isResourceAllowed("GPT-4o", ["gpt-4o"])).toBe(false);
    expect(isResourceAllowed("gpt-4o-mini", ["gpt-4o"])).toBe(false);
    expect(isResourceAllowed(undefined, ["gpt-4o"])).toBe(false);
    expect(isResourceAllowed("", ["gpt-4o"])).toBe(false);
  });

  it("supports a trailing * only", () => {
    expect(isResourceAllowed("gpt-4o-mini", ["gpt-4*"])).toBe(true);
    expect(isResourceAllowed("gpt-4", ["gpt-4*"])).toBe(true);
    expect(isResourceAllowed("gpt-3.5", ["gpt-4*"])).toBe(false);
    expect(isResourceAllowed("anything", ["*"])).toBe(true);
    expect(isResourceAllowed("", ["*"])).toBe(false);
    // A * elsewhere makes the entry invalid; it matches nothing, not even itself.
    expect(isResourceAllowed("gpt*4", ["gpt*4"])).toBe(false);
    expect(isValidResourcePattern("gpt*4")).toBe(false);
    expect(isValidResourcePattern("gpt-4*")).toBe(true);
    expect(isValidResourcePattern("")).toBe(false);
  });

  it("compiles once and matches many times", () => {
    const allowed = compileResourceMatcher(["db:orders", "bucket/*"]);
    expect(allowed("db:orders")).toBe(true);
    expect(allowed("bucket/a/b")).toBe(true);
    expect(allowed("bucket")).toBe(false);
  });
});
