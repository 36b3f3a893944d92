import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  displayKey,
  generateKey,
  hashKey,
  hasValidChecksum,
  isValidKeyPrefix,
  KEY_REGEX,
  KEY_REGEX_SOURCE,
  keyLast4,
  keyStart,
  MAX_KEY_LENGTH,
  parseKey,
  randomBase62,
} from "./format";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Replaces the char at `index` with a different base62 char. */
function mutateAt(key: string, index: number): string {
  const current = key.charAt(index);
  const replacement = current === "A" ? "B" : "A";
  return key.slice(0, index) + replacement + key.slice(index + 1);
}

describe("generateKey / parseKey", () => {
  it("round-trips a generated key", () => {
    const { key, hash, start, last4 } = generateKey("kp");
    expect(key).toMatch(/^kp_[A-Za-z0-9]{42}$/);
    const parsed = parseKey(key);
    expect(parsed).not.toBeNull();
    expect(parsed?.prefix).toBe("kp");
    expect(parsed?.random).toHaveLength(36);
    expect(parsed?.checksum).toHaveLength(6);
    expect(`${parsed?.prefix}_${parsed?.random}${parsed?.checksum}`).toBe(key);
    expect(hash).toBe(hashKey(key));
    expect(start).toBe(`kp_${key.slice(3, 7)}`);
    expect(last4).toBe(key.slice(-4));
  });

  it("uses a zero-padded base62 CRC32 of prefix_random as the checksum", () => {
    const { key } = generateKey("acme");
    const body = key.slice(0, -6);
    let value = crc32(body);
    let expected = "";
    for (let i = 0; i < 6; i++) {
      expected = BASE62.charAt(value % 62) + expected;
      value = Math.floor(value / 62);
    }
    expect(key.slice(-6)).toBe(expected);
  });

  it("parses prefixes that contain underscores from the right", () => {
    for (const prefix of ["acme_live", "a_b_c", "x_", "_x", "a__b", "abcdefghijklmnop"]) {
      const { key } = generateKey(prefix);
      expect(parseKey(key)?.prefix).toBe(prefix);
      expect(keyStart(key)).toBe(`${prefix}_${key.slice(prefix.length + 1, prefix.length + 5)}`);
    }
  });

  it("rejects every single-character change", () => {
    const { key } = generateKey("acme_live");
    let rejected = 0;
    for (let i = 0; i < key.length; i++) {
      if (key.charAt(i) === "_") continue;
      const changed = mutateAt(key, i);
      expect(changed).not.toBe(key);
      if (parseKey(changed) === null) rejected++;
    }
    // CRC32 detects every single-symbol substitution in a string this short.
    expect(rejected).toBe(key.length - 2);
  });

  it("rejects every swap of two adjacent different characters", () => {
    const { key } = generateKey("kp");
    let swaps = 0;
    for (let i = 3; i < key.length - 1; i++) {
      const a = key.charAt(i);
      const b = key.charAt(i + 1);
      if (a === b) continue;
      expect(parseKey(key.slice(0, i) + b + a + key.slice(i + 2))).toBeNull();
      swaps++;
    }
    expect(swaps).toBeGreaterThan(20);
  });

  it("rejects wrong lengths and shapes", () => {
    const { key } = generateKey("kp");
    expect(parseKey(key.slice(0, -1))).toBeNull();
    expect(parseKey(`${key}A`)).toBeNull();
    expect(parseKey(key.replace("_", ""))).toBeNull();
    expect(parseKey(key.slice(2))).toBeNull(); // "_..." has an empty prefix
    expect(parseKey("")).toBeNull();
    expect(parseKey("kp_")).toBeNull();
    expect(parseKey(`${key.slice(0, 10)}-${key.slice(11)}`)).toBeNull();
    expect(parseKey(`${"a".repeat(17)}_${key.slice(3)}`)).toBeNull(); // prefix too long
    expect(parseKey(`kp-x_${key.slice(3)}`)).toBeNull(); // bad prefix char
    expect(parseKey("x".repeat(MAX_KEY_LENGTH + 1))).toBeNull();
    expect(parseKey(`kp_${"0".repeat(42)}`)).toBeNull();
  });

  it("rejects a non-string at runtime", () => {
    expect(parseKey(undefined as unknown as string)).toBeNull();
    expect(parseKey(42 as unknown as string)).toBeNull();
  });

  it("rejects invalid prefixes when generating", () => {
    expect(() => generateKey("")).toThrow();
    expect(() => generateKey("a".repeat(17))).toThrow();
    expect(() => generateKey("acme-live")).toThrow();
    expect(() => generateKey("acme live")).toThrow();
  });

  it("generates distinct keys", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateKey("kp").key));
    expect(keys.size).toBe(1000);
  });

  it("hasValidChecksum agrees with parseKey", () => {
    const { key } = generateKey("kp");
    expect(hasValidChecksum(key)).toBe(true);
    expect(hasValidChecksum(mutateAt(key, 5))).toBe(false);
  });
});

describe("isValidKeyPrefix", () => {
  it("accepts letters, digits and underscores up to 16 chars", () => {
    expect(isValidKeyPrefix("kp")).toBe(true);
    expect(isValidKeyPrefix("acme_live")).toBe(true);
    expect(isValidKeyPrefix("A1_b2")).toBe(true);
    expect(isValidKeyPrefix("a".repeat(16))).toBe(true);
    expect(isValidKeyPrefix("")).toBe(false);
    expect(isValidKeyPrefix("a".repeat(17))).toBe(false);
    expect(isValidKeyPrefix("acme-live")).toBe(false);
    expect(isValidKeyPrefix("ünï")).toBe(false);
    expect(isValidKeyPrefix("kp\n")).toBe(false);
  });
});

describe("randomBase62", () => {
  it("rejects bytes >= 248 instead of reducing them (no modulo bias)", () => {
    // Feed every byte value once, highest first. Bytes 248-255 must be skipped
    // (reducing them would favour "0"-"7"); the other 248 give each char 4 times.
    const descending = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    let served = false;
    const source = (size: number) => {
      if (served) throw new Error("asked for more bytes than needed");
      served = true;
      expect(size).toBeGreaterThanOrEqual(248);
      return descending;
    };
    const out = randomBase62(248, source);
    const expected = Array.from(descending)
      .filter((byte) => byte < 248)
      .map((byte) => BASE62.charAt(byte % 62))
      .join("");
    expect(out).toBe(expected);
    expect(out.startsWith("z")).toBe(true);
    const counts = new Map<string, number>();
    for (const ch of out) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const count of counts.values()) expect(count).toBe(4);
  });

  it("keeps drawing when bytes are rejected", () => {
    let calls = 0;
    const source = (size: number) => {
      calls++;
      return new Uint8Array(size).fill(calls === 1 ? 255 : 61);
    };
    expect(randomBase62(5, source)).toBe("zzzzz");
    expect(calls).toBe(2);
  });

  it("is roughly uniform over real randomness", () => {
    // 100k chars: expected 1613 per char. A chi-square above 150 on 61 degrees of
    // freedom has probability ~1e-9 for a uniform source, while modulo-62 bias
    // would give ~700, so this can fail for the bug and practically never otherwise.
    const sample = Array.from({ length: 100 }, () => randomBase62(1000)).join("");
    const counts = new Map<string, number>();
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = sample.length / 62;
    let chiSquare = 0;
    for (const ch of BASE62) {
      const count = counts.get(ch) ?? 0;
      chiSquare += (count - expected) ** 2 / expected;
    }
    expect(chiSquare).toBeLessThan(150);
  });

  it("every char appears within loose bounds in the random part of generated keys", () => {
    const counts = new Map<string, number>();
    let total = 0;
    while (total < 20_000) {
      const random = parseKey(generateKey("kp").key)?.random ?? "";
      for (const ch of random) counts.set(ch, (counts.get(ch) ?? 0) + 1);
      total += random.length;
    }
    // Expected ~323 per char with sd ~18; [200, 450] is about 7 sd either way.
    for (const ch of BASE62) {
      const count = counts.get(ch) ?? 0;
      expect(count).toBeGreaterThan(200);
      expect(count).toBeLessThan(450);
    }
  });
});

describe("hash and display", () => {
  it("hashes to 64 lower-case hex chars, deterministically", () => {
    const { key, hash } = generateKey("kp");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(key)).toBe(hash);
    expect(hashKey(`${key}x`)).not.toBe(hash);
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("builds start, last4 and the display form", () => {
    const key = "acme_live_0123456789ABCDEFGHIJKLMNOPQRSTUVWxyz012345";
    expect(keyStart(key)).toBe("acme_live_0123");
    expect(keyLast4(key)).toBe("2345");
    expect(displayKey(keyStart(key), keyLast4(key))).toBe("acme_live_0123…2345");
  });

  it("keyStart throws without echoing the input", () => {
    expect(() => keyStart("secret-value-without-tail")).toThrow(/not shaped like an API key/);
    try {
      keyStart("kp_tooshort");
    } catch (error) {
      expect(String(error)).not.toContain("tooshort");
    }
  });
});

describe("KEY_REGEX", () => {
  it("matches generated keys, alone and embedded in text", () => {
    for (const prefix of ["kp", "acme_live", "abcdefghijklmnop"]) {
      const { key } = generateKey(prefix);
      expect(KEY_REGEX.test(key)).toBe(true);
      const found = `export API_KEY="${key}" # prod`.match(KEY_REGEX);
      expect(found?.[0]).toBe(key);
    }
  });

  it("finds every key in a text with a global copy of the source", () => {
    const a = generateKey("kp").key;
    const b = generateKey("acme_test").key;
    const found = `a=${a}\nb: ${b}`.match(new RegExp(KEY_REGEX_SOURCE, "g"));
    expect(found).toEqual([a, b]);
  });

  it("does not match strings of the wrong shape", () => {
    const noUnderscore = randomBase62(40);
    expect(KEY_REGEX.test(noUnderscore)).toBe(false);
    expect(KEY_REGEX.test(`kp_${randomBase62(32)}`)).toBe(false); // tail too short
    expect(KEY_REGEX.test(`kp_${randomBase62(34)}`)).toBe(false); // tail too long
    expect(KEY_REGEX.test(`kp-${randomBase62(42)}`)).toBe(false);
    expect(KEY_REGEX.test(`${"a".repeat(17)}_${randomBase62(42)}`)).toBe(false);
  });
});
