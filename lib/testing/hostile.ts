import fc from "fast-check";

// Generators of what an attacker sends instead of what a form sends: text PostgreSQL
// cannot store, control characters, strings far over every limit, numbers and lists
// where text goes, and JSON nested far deeper than anything real. Shared by the
// property-based tests of the API routes and of the server actions.

/** One UTF-16 half without its partner: not a character, and not encodable as UTF-8. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** C0, DEL and C1 controls, NUL most of all. */
const controlChar = fc.oneof(
  fc.constant("\u0000"),
  fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
);
/** Any code point at all, astral planes included. */
const anyCodePoint = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });

/** A character that text may not hold. */
export const forbiddenChar = fc.oneof(loneSurrogate, controlChar);

/** A character no text may hold, multi-line text included (not tab, LF or CR). */
const unstorableChar = fc.oneof(
  loneSurrogate,
  fc.constant("\u0000"),
  fc
    .integer({ min: 0, max: 0x1f })
    .filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d)
    .map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
);

/**
 * Text that every text field must refuse: an unstorable character between other
 * characters, so that trimming cannot remove it.
 */
export const unstorableText = fc
  .tuple(fc.string({ maxLength: 10 }), unstorableChar, fc.string({ maxLength: 10 }))
  .map(([before, bad, after]) => `a${before}${bad}${after}z`);

/** Strings known to break careless code: escapes, paths, markup, prototype keys. */
const notorious = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\ud800",
  "gpt-\ud800",
  "\udfff\ud800",
  "\u001b[2J",
  "\r\n",
  "\t",
  "",
  " ",
  "%00",
  "null",
  "__proto__",
  "constructor",
  "../../etc/passwd",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "\u202eevil",
  "𝕏🚀👩‍👩‍👧",
  "x".repeat(5_000),
);

/** A string with at least one forbidden character somewhere in it. */
export const badText = fc
  .tuple(
    fc.string({ unit: anyCodePoint, maxLength: 20 }),
    forbiddenChar,
    fc.string({ maxLength: 20 }),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** Any string an attacker might send: notorious ones, forbidden characters, any Unicode. */
export const hostileString = fc.oneof(
  notorious,
  badText,
  fc.string({ unit: fc.oneof(anyCodePoint, forbiddenChar), maxLength: 60 }),
  fc.nat({ max: 70_000 }).map((n) => "x".repeat(n)),
);

/** `{"a":{"a":…}}`, `depth` levels deep. */
export function nestedObject(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Any value that may arrive where a field's value goes. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
  fc.integer({ min: 30, max: 400 }).map(nestedObject),
  fc.constant(Array.from({ length: 500 }, () => "x")),
);

/** Whole request bodies that are not the object an API expects. */
export const hostileRawBody = fc.oneof(
  fc.constantFrom("", "{", "[]", "null", "0", '"text"', "[{}]", '{"a":\u0000}'),
  // Written out as text: JSON.stringify itself would run out of stack this deep.
  fc
    .integer({ min: 100, max: 5_000 })
    .map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  fc.integer({ min: 100, max: 5_000 }).map((depth) => "[".repeat(depth)),
  fc.constant(JSON.stringify({ name: "x".repeat(40_000) })),
);

/** Number of runs per property: bounded so the suite stays fast; FUZZ_RUNS raises it. */
export function fuzzRuns(fallback: number): number {
  const value = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** fast-check parameters: FUZZ_SEED replays a failure fast-check reported. */
export function fuzzParameters<T>(numRuns: number): fc.Parameters<T> {
  const seed = Number(process.env.FUZZ_SEED);
  return { numRuns: fuzzRuns(numRuns), ...(Number.isInteger(seed) ? { seed } : {}) };
}
