import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_LANDING, MAX_CALLBACK_LENGTH, safeCallbackPath } from "./callback-url";

const ORIGIN = "http://localhost:3101";

// Printable ASCII without space: no control character (C0, DEL, C1), no whitespace and
// nothing unencoded can reach a Location header.
const PRINTABLE_ASCII = /^[!-~]+$/;

describe("safeCallbackPath", () => {
  it.each([
    ["/", "/"],
    ["/t/acme/keys", "/t/acme/keys"],
    ["/t/acme/keys?page=2&sort=name#top", "/t/acme/keys?page=2&sort=name#top"],
    ["/invite/abcdefghijklmnopqrstuv", "/invite/abcdefghijklmnopqrstuv"],
    // Relative and absolute forms of this origin normalise to a path on it.
    ["t/acme/keys", "/t/acme/keys"],
    ["http://localhost:3101/t/acme/keys?x=1", "/t/acme/keys?x=1"],
    ["HTTP://LOCALHOST:3101/t/acme", "/t/acme"],
    ["http://user:secret@localhost:3101/t/acme", "/t/acme"],
    ["/a/../t/acme", "/t/acme"],
    // Encoded slashes stay encoded: a path on this origin, not a host.
    ["/%2F%2Fevil.com", "/%2F%2Fevil.com"],
    ["/%252F%252Fevil.com", "/%252F%252Fevil.com"],
    ["/%5C%5Cevil.com", "/%5C%5Cevil.com"],
    ["/%09/evil.com", "/%09/evil.com"],
    ["/%0A/evil.com", "/%0A/evil.com"],
    ["/%0D%0ASet-Cookie:x=1", "/%0D%0ASet-Cookie:x=1"],
    // "@" in a path is just a character of the path.
    ["/@evil.com", "/@evil.com"],
    // With the origin's own scheme and no slashes, the URL parser reads a relative path.
    ["http:evil.com", "/evil.com"],
    // Unicode is percent-encoded; spaces too.
    ["\u3002evil.com", "/%E3%80%82evil.com"],
    ["/t/ä b", "/t/%C3%A4%20b"],
  ])("keeps %j on the origin as %j", (input, expected) => {
    expect(safeCallbackPath(input, ORIGIN)).toBe(expected);
  });

  it.each([
    // The forms an attack used, and every way a browser reads a value as another host.
    "/\t/localhost:9/",
    "/\t/localhost:4219/pwned",
    "/\n/evil.com",
    "/\r/evil.com",
    "/\r\n/evil.com",
    "\t//evil.com",
    " //evil.com",
    "//evil.com",
    "///evil.com",
    "////evil.com/",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "/\\/evil.com",
    "/\t\\evil.com",
    "/.//evil.com",
    "/./\\evil.com",
    "/..//evil.com",
    "http://evil",
    "http://evil.com/t/acme",
    "https://localhost:3101/t/acme",
    "http://localhost:3102/",
    "http://localhost@evil.com",
    "http://localhost:3101@evil.com/",
    "https:evil.com",
    "http:/\\evil.com",
    "HtTpS://evil.com",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\u0000javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "mailto:a@evil.com",
    "//evil.com/%2F..",
    "//evil%E3%80%82com",
    "//evil\u3002com",
    "http://[::1]/",
    "http://127.0.0.1:3101/",
    "",
  ])("refuses %j", (input) => {
    expect(safeCallbackPath(input, ORIGIN)).toBe(DEFAULT_LANDING);
  });

  it("refuses what is not a single string", () => {
    for (const value of [undefined, null, 1, ["/a", "/b"], { href: "/a" }]) {
      expect(safeCallbackPath(value, ORIGIN)).toBe(DEFAULT_LANDING);
    }
  });

  it("refuses very long input, and gives the fallback it is told to", () => {
    expect(safeCallbackPath(`/${"a".repeat(MAX_CALLBACK_LENGTH)}`, ORIGIN, "/x")).toBe("/x");
    expect(safeCallbackPath(`/${"a".repeat(1_000_000)}`, ORIGIN)).toBe(DEFAULT_LANDING);
    // Short enough before encoding, too long after it.
    expect(safeCallbackPath(`/${"ä".repeat(600)}`, ORIGIN)).toBe(DEFAULT_LANDING);
  });

  it("accepts nothing when the origin itself is not an HTTP origin", () => {
    expect(safeCallbackPath("/t/acme", "not a url")).toBe(DEFAULT_LANDING);
    expect(safeCallbackPath("/t/acme", "javascript:alert(1)")).toBe(DEFAULT_LANDING);
    // An origin given with a path (next-auth's baseUrl never has one) still works.
    expect(safeCallbackPath("/t/acme", `${ORIGIN}/some/path`)).toBe("/t/acme");
  });

  // Values that look like paths, built from the characters an attack mixes in.
  const hostile = fc
    .array(
      fc.constantFrom(
        "/",
        "\\",
        "\t",
        "\n",
        "\r",
        "\u0000",
        " ",
        ".",
        "..",
        "@",
        ":",
        "%",
        "%2F",
        "%5C",
        "%09",
        "%0A",
        "%0D",
        "%25",
        "#",
        "?",
        "evil.com",
        "localhost:9",
        "http:",
        "https:",
        "javascript:",
        "JaVaScRiPt:",
        "\u3002",
        "ä",
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(""));

  it("answers the fallback or a path that stays on the origin, for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), hostile), (value) => {
        const result = safeCallbackPath(value, ORIGIN);
        expect(result).toMatch(PRINTABLE_ASCII);
        expect(result.startsWith("/")).toBe(true);
        expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
        // What the browser reads relative to any page of the app, too.
        expect(new URL(result, `${ORIGIN}/t/acme/keys/`).origin).toBe(ORIGIN);
        // Stable: the answer is its own answer.
        expect(safeCallbackPath(result, ORIGIN)).toBe(result);
      }),
      { numRuns: 5_000 },
    );
  });
});
