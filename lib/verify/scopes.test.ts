import { describe, expect, it } from "vitest";
import {
  compileScopes,
  evaluatePermissionQuery,
  hasScopes,
  isValidScopeGrant,
  isValidScopeName,
  parsePermissionQuery,
  scopeMatches,
} from "./scopes";

describe("scope names", () => {
  it("accepts lower-case segmented names", () => {
    for (const name of [
      "orders",
      "orders:read",
      "orders:items:read",
      "billing.v2:write",
      "a-b_c",
    ]) {
      expect(isValidScopeName(name), name).toBe(true);
    }
  });

  it("rejects upper case, wildcards, empty segments and junk", () => {
    const bad = ["", "Orders:read", "orders:*", "*", "orders:", ":read", "a::b", "a b", "a/b", "ü"];
    for (const name of bad) expect(isValidScopeName(name), name).toBe(false);
    expect(isValidScopeName("a".repeat(129))).toBe(false);
    expect(isValidScopeName("a".repeat(128))).toBe(true);
  });

  it("grants may also be * or end in :*", () => {
    for (const grant of ["*", "orders:*", "orders:items:*", "orders:read"]) {
      expect(isValidScopeGrant(grant), grant).toBe(true);
    }
    for (const grant of ["orders*", "*:read", "orders:*:read", "orders:**", ":*", ""]) {
      expect(isValidScopeGrant(grant), grant).toBe(false);
    }
  });
});

describe("scopeMatches", () => {
  it("matches exact names only, case-sensitively", () => {
    expect(scopeMatches("orders:read", "orders:read")).toBe(true);
    expect(scopeMatches("orders:read", "orders:write")).toBe(false);
    expect(scopeMatches("orders:read", "Orders:read")).toBe(false);
    expect(scopeMatches("orders", "orders:read")).toBe(false);
  });

  it("namespace wildcards match every scope below, at any depth", () => {
    expect(scopeMatches("orders:*", "orders:read")).toBe(true);
    expect(scopeMatches("orders:*", "orders:items:read")).toBe(true);
    expect(scopeMatches("orders:*", "orders")).toBe(false);
    expect(scopeMatches("orders:*", "orders:")).toBe(false);
    expect(scopeMatches("orders:*", "ordersx:read")).toBe(false);
    expect(scopeMatches("orders:*", "billing:read")).toBe(false);
    expect(scopeMatches("orders:items:*", "orders:read")).toBe(false);
  });

  it("* matches everything; * elsewhere is literal", () => {
    expect(scopeMatches("*", "anything:at:all")).toBe(true);
    expect(scopeMatches("orders*", "orders:read")).toBe(false);
    expect(scopeMatches("orders*", "orders*")).toBe(true);
  });

  it("a required wildcard needs the wildcard itself (or *)", () => {
    expect(scopeMatches("orders:read", "orders:*")).toBe(false);
    expect(scopeMatches("orders:*", "orders:*")).toBe(true);
    expect(scopeMatches("*", "orders:*")).toBe(true);
  });

  it("compileScopes agrees with scopeMatches", () => {
    const granted = ["orders:*", "billing:read", "x"];
    const matches = compileScopes(granted);
    const required = [
      "orders:a",
      "orders:a:b",
      "orders",
      "billing:read",
      "billing:write",
      "x",
      "y",
    ];
    for (const r of required) {
      expect(matches(r), r).toBe(granted.some((g) => scopeMatches(g, r)));
    }
  });
});

describe("hasScopes", () => {
  it("reports missing scopes once, in order", () => {
    expect(hasScopes(["orders:*"], ["orders:read", "orders:write"])).toEqual({
      ok: true,
      missing: [],
    });
    expect(
      hasScopes(["orders:read"], ["billing:read", "orders:read", "admin", "billing:read"]),
    ).toEqual({
      ok: false,
      missing: ["billing:read", "admin"],
    });
    expect(hasScopes([], [])).toEqual({ ok: true, missing: [] });
    expect(hasScopes([], ["a"])).toEqual({ ok: false, missing: ["a"] });
    expect(hasScopes(["*"], ["a", "b:c"])).toEqual({ ok: true, missing: [] });
  });
});

describe("evaluatePermissionQuery", () => {
  const granted = ["a", "b", "orders:*"];

  it("evaluates names, AND, OR", () => {
    expect(evaluatePermissionQuery("a", granted)).toBe(true);
    expect(evaluatePermissionQuery("c", granted)).toBe(false);
    expect(evaluatePermissionQuery("a AND b", granted)).toBe(true);
    expect(evaluatePermissionQuery("a AND c", granted)).toBe(false);
    expect(evaluatePermissionQuery("c OR b", granted)).toBe(true);
    expect(evaluatePermissionQuery("c OR d", granted)).toBe(false);
    expect(evaluatePermissionQuery("orders:items:read AND a", granted)).toBe(true);
  });

  it("binds AND tighter than OR", () => {
    // a OR (c AND d) = true; (a OR c) AND d would be false.
    expect(evaluatePermissionQuery("a OR c AND d", granted)).toBe(true);
    // (c AND d) OR a = true
    expect(evaluatePermissionQuery("c AND d OR a", granted)).toBe(true);
    // c AND (d OR a) = false
    expect(evaluatePermissionQuery("c AND (d OR a)", granted)).toBe(false);
    expect(evaluatePermissionQuery("(a OR c) AND d", granted)).toBe(false);
  });

  it("handles nesting and whitespace", () => {
    expect(evaluatePermissionQuery("  ((a))  ", granted)).toBe(true);
    expect(evaluatePermissionQuery("(a AND (c OR (b AND orders:x)))", granted)).toBe(true);
    expect(evaluatePermissionQuery("a\tAND\nb", granted)).toBe(true);
    expect(evaluatePermissionQuery("(c)OR(b)", granted)).toBe(true);
  });

  it("builds the expected tree", () => {
    expect(parsePermissionQuery("a OR b AND c")).toEqual({
      ok: true,
      value: {
        kind: "or",
        left: { kind: "name", name: "a" },
        right: {
          kind: "and",
          left: { kind: "name", name: "b" },
          right: { kind: "name", name: "c" },
        },
      },
    });
  });

  it("gives clear errors for bad syntax", () => {
    const cases: [string, RegExp][] = [
      ["", /empty/],
      ["   ", /empty/],
      ["a AND", /Expected a permission name or "\(" but found end of query/],
      ["AND a", /found "AND" at position 1/],
      ["a OR OR b", /found "OR" at position 6/],
      ["(a OR b", /Expected "\)" but found end of query/],
      ["a OR b)", /Unexpected "\)" at position 7/],
      ["()", /found "\)"/],
      ["a b", /Expected AND or OR before "b" at position 3$/],
      ["a and b", /keywords are upper-case/],
      ["a (b)", /Expected AND or OR before "\("/],
      ["a AND b$", /Unexpected character "\$" at position 8/],
      ["a && b", /Unexpected character "&"/],
    ];
    for (const [query, message] of cases) {
      const result = evaluatePermissionQuery(query, granted);
      expect(result, query).toEqual({ error: expect.stringMatching(message) });
    }
  });

  it("bounds query length and nesting depth", () => {
    const long = Array.from({ length: 300 }, () => "abc").join(" OR ");
    expect(evaluatePermissionQuery(long, granted)).toEqual({
      error: expect.stringMatching(/longer than/),
    });
    const deep = `${"(".repeat(40)}a${")".repeat(40)}`;
    expect(evaluatePermissionQuery(deep, granted)).toEqual({
      error: expect.stringMatching(/deeper than 32/),
    });
    const ok = `${"(".repeat(32)}a${")".repeat(32)}`;
    expect(evaluatePermissionQuery(ok, granted)).toBe(true);
  });

  it("treats keyword-like names as names when they are not exactly AND/OR", () => {
    expect(evaluatePermissionQuery("ANDROID OR ORACLE", ["ORACLE"])).toBe(true);
  });
});
