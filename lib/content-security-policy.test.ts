import { describe, expect, it } from "vitest";
import { buildPagePolicy, createNonce } from "./content-security-policy";

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("the page Content Security Policy", () => {
  it("allows scripts only from this origin and with the request's nonce", () => {
    const nonce = createNonce();
    const policy = directives(buildPagePolicy(nonce));
    expect(policy.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
  });

  it("never allows inline scripts or eval in production", () => {
    const policy = directives(buildPagePolicy(createNonce()));
    const scripts = [...(policy.get("script-src") ?? []), ...(policy.get("default-src") ?? [])];
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(scripts).not.toContain("'unsafe-hashes'");
    expect(scripts.some((source) => source === "*" || source.endsWith(":"))).toBe(false);
    // Directives that would widen script-src again.
    for (const name of ["script-src-elem", "script-src-attr", "worker-src"]) {
      expect(policy.has(name)).toBe(false);
    }
  });

  it("lets styles stay inline without a nonce, which would turn 'unsafe-inline' off", () => {
    const style = directives(buildPagePolicy(createNonce())).get("style-src") ?? [];
    expect(style).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("adds 'unsafe-eval' in development only", () => {
    const nonce = createNonce();
    expect(directives(buildPagePolicy(nonce, { development: true })).get("script-src")).toEqual([
      "'self'",
      `'nonce-${nonce}'`,
      "'unsafe-eval'",
    ]);
  });

  it("makes a new, unguessable nonce each time", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => createNonce()));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  it("refuses a nonce that could carry a directive of its own", () => {
    for (const nonce of ["", "abc", "x'; script-src *; '", `${createNonce()} 'unsafe-inline'`]) {
      expect(() => buildPagePolicy(nonce)).toThrow();
    }
  });
});
