import { z } from "zod";
import { isMultiLineText, isSingleLineText } from "./text";

// Free-form JSON from outside (a key's metadata, Unkey's `meta`). Its keys and string
// values are text like any other field (see text.ts), and its shape is bounded: a value
// nested hundreds deep in a few kilobytes costs every reader that walks it (and some
// cannot), and nobody's metadata is deeper than a few levels.

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Deeper than any real metadata; `{"a":{"b":1}}` is depth 2. */
export const JSON_MAX_DEPTH = 32;

export type JsonLimits = {
  /** Nesting depth of objects and arrays; the outermost counts as 1. */
  maxDepth: number;
  /** Characters of all keys and strings plus one per value: bounds the walk's work. */
  maxSize: number;
};

const DEFAULT_LIMITS: JsonLimits = { maxDepth: JSON_MAX_DEPTH, maxSize: 64 * 1024 };

/**
 * Why `value` is not acceptable JSON, or null when it is: a phrase to follow the field's
 * noun, such as " is too large." or " at team.name: text must not contain …". Hand-written rather than a
 * recursive zod schema because zod's recursion has no depth bound and would report one
 * issue per nested level; this walk stops at the first problem and at the limits.
 */
export function jsonValueProblem(
  value: unknown,
  limits: JsonLimits = DEFAULT_LIMITS,
): string | null {
  let size = 0;
  const at = (where: string) => (where === "" ? "" : ` at ${where}`);
  const walk = (node: unknown, depth: number, where: string): string | null => {
    size += 1;
    if (size > limits.maxSize) return " is too large.";
    if (node === null || typeof node === "boolean") return null;
    if (typeof node === "number")
      return Number.isFinite(node) ? null : `${at(where)}: numbers must be finite.`;
    if (typeof node === "string") {
      size += node.length;
      if (size > limits.maxSize) return " is too large.";
      return isMultiLineText(node)
        ? null
        : `${at(where)}: text must not contain control characters (such as NUL) or broken Unicode.`;
    }
    if (typeof node !== "object") return `${at(where)}: only JSON values are allowed.`;
    if (depth >= limits.maxDepth) return ` is nested more than ${limits.maxDepth} levels deep.`;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const problem = walk(node[i], depth + 1, `${where}[${i}]`);
        if (problem) return problem;
      }
      return null;
    }
    const prototype = Object.getPrototypeOf(node);
    if (prototype !== Object.prototype && prototype !== null)
      return `${at(where)}: only JSON values are allowed.`;
    for (const [key, child] of Object.entries(node)) {
      size += key.length;
      if (size > limits.maxSize) return " is too large.";
      if (!isSingleLineText(key))
        return `${at(where)}: keys must not contain control characters (such as NUL) or broken Unicode.`;
      const problem = walk(child, depth + 1, where === "" ? key : `${where}.${key}`);
      if (problem) return problem;
    }
    return null;
  };
  return walk(value, 0, "");
}

/** A JSON object whose keys and strings are safe text, within `limits`. */
export function safeJsonObject(noun: string, limits: JsonLimits = DEFAULT_LIMITS) {
  return z.unknown().transform((value, ctx): JsonObject => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: `${noun} must be a JSON object.` });
      return z.NEVER;
    }
    const problem = jsonValueProblem(value, limits);
    if (problem) {
      ctx.addIssue({ code: "custom", message: `${noun}${problem}` });
      return z.NEVER;
    }
    return value as JsonObject;
  });
}
