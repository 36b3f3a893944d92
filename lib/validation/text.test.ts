import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JSON_MAX_DEPTH, jsonValueProblem, safeJsonObject } from "./json";
import { isMultiLineText, isSingleLineText, multiLineText, recordId, singleLineText } from "./text";

describe("text", () => {
  it("accepts printable text in any script, emoji (surrogate pairs) included", () => {
    for (const text of ["", "orders:read", "Grüße, 東京 🚀", "GET /v1/a?b=c", "\u00a0nbsp"]) {
      expect(isSingleLineText(text)).toBe(true);
      expect(isMultiLineText(text)).toBe(true);
    }
  });

  it("refuses NUL, lone surrogates and every C0, DEL and C1 control character", () => {
    const bad = [
      "a\u0000",
      "\ud800",
      "x\udfffy",
      "\udc00\ud800",
      "\u0007",
      "\u001b[31m",
      "\u007f",
      "\u0085",
      "\u009f",
    ];
    for (const text of bad) {
      expect(isSingleLineText(text), JSON.stringify(text)).toBe(false);
      expect(isMultiLineText(text), JSON.stringify(text)).toBe(false);
    }
    for (let code = 0; code < 0x20; code++)
      expect(isSingleLineText(String.fromCharCode(code))).toBe(false);
  });

  it("allows tab, line feed and carriage return only in multi-line text", () => {
    for (const text of ["a\tb", "one\ntwo", "one\r\ntwo"]) {
      expect(isSingleLineText(text)).toBe(false);
      expect(isMultiLineText(text)).toBe(true);
    }
    expect(isMultiLineText("a\u000bb")).toBe(false);
  });

  it("gives the field one message, before its other checks", () => {
    const schema = z.object({ name: singleLineText().trim().min(1).max(3) });
    const result = schema.safeParse({ name: "\u0000\u0000\u0000\u0000" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["name"]]);
    expect(multiLineText().safeParse("a\nb").success).toBe(true);
  });

  it("record ids are letters, digits, _ and -", () => {
    const id = recordId("Choose one.");
    expect(id.safeParse("cm3abc_DEF-1").success).toBe(true);
    for (const bad of ["", "a b", "a/b", "\u0000", "x".repeat(65), "é"])
      expect(id.safeParse(bad).success).toBe(false);
  });
});

describe("JSON values", () => {
  const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });

  it("accepts ordinary JSON up to the depth bound", () => {
    expect(jsonValueProblem({ team: "billing", n: [1, 2, { ok: true }], note: "a\nb" })).toBeNull();
    expect(jsonValueProblem(nested(JSON_MAX_DEPTH))).toBeNull();
  });

  it("refuses deeper nesting, bad text in keys and values, and non-JSON values", () => {
    expect(jsonValueProblem(nested(JSON_MAX_DEPTH + 1))).toMatch(/nested more than 32/);
    expect(jsonValueProblem(nested(300))).toMatch(/nested more than 32/);
    expect(jsonValueProblem({ a: { b: "x\u0000" } })).toMatch(/^ at a\.b: text/);
    expect(jsonValueProblem({ "k\ud800": 1 })).toMatch(/keys/);
    expect(jsonValueProblem({ when: new Date() })).toMatch(/only JSON/);
    expect(jsonValueProblem({ n: Number.NaN })).toMatch(/finite/);
    expect(jsonValueProblem({ big: "x".repeat(100) }, { maxDepth: 4, maxSize: 50 })).toBe(
      " is too large.",
    );
  });

  it("as a schema, names the field and keeps the object", () => {
    const schema = z.object({ meta: safeJsonObject("meta") });
    expect(schema.parse({ meta: { a: 1 } })).toEqual({ meta: { a: 1 } });
    const refused = schema.safeParse({ meta: nested(40) });
    expect(refused.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [["meta"], "meta is nested more than 32 levels deep."],
    ]);
    expect(schema.safeParse({ meta: [1] }).success).toBe(false);
  });
});
