import { hash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * Key format: `<prefix>_<random><checksum>`.
 *
 * - prefix: 1–16 of `[A-Za-z0-9_]`, set per tenant. It may contain `_` itself
 *   (`acme_live`), so keys are always parsed from the right: the part after the
 *   last `_` is random + checksum, and neither of those can contain `_`.
 * - random: 36 base62 chars from the CSPRNG (36 × log2 62 ≈ 214 bits). Lists show
 *   `start` (4 random chars, ~24 bits) and `last4` (checksum chars, which constrain the
 *   random part by up to ~24 bits more), so 36 keeps well over 160 bits unknown to
 *   anyone who has only seen a key's display form.
 * - checksum: CRC32 of `prefix_random`, base62, zero-padded to 6 chars
 *   (62^6 > 2^32 > 62^5). It lets us reject typos and look-alike strings before
 *   any database or cache lookup, and lets secret scanners confirm a hit offline.
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const KEY_RANDOM_LENGTH = 36;
export const KEY_CHECKSUM_LENGTH = 6;
export const KEY_PREFIX_MAX_LENGTH = 16;
/** Anything longer is rejected before any work is done (valid keys are at most 50 chars). */
export const MAX_KEY_LENGTH = 512;
const TAIL_LENGTH = KEY_RANDOM_LENGTH + KEY_CHECKSUM_LENGTH;

export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_]{1,16}$/;
const TAIL_PATTERN = /^[A-Za-z0-9]+$/;

/**
 * The pattern published for secret scanners (GitHub secret scanning, gitleaks,
 * trufflehog):
 *
 *   \b[A-Za-z0-9_]{1,16}_[A-Za-z0-9]{42}\b
 *
 * 42 = 36 random + 6 checksum chars. `\b` on both sides stops it from matching
 * the tail of a longer token; a scanner that wants zero false positives should
 * also recompute the CRC32 (see `hasValidChecksum`). The exported RegExp has no
 * `g` flag on purpose: a shared global RegExp keeps `lastIndex` between calls.
 */
export const KEY_REGEX_SOURCE = `\\b[A-Za-z0-9_]{1,${KEY_PREFIX_MAX_LENGTH}}_[A-Za-z0-9]{${TAIL_LENGTH}}\\b`;
export const KEY_REGEX = new RegExp(KEY_REGEX_SOURCE);

export type ParsedKey = { prefix: string; random: string; checksum: string };
export type GeneratedKey = { key: string; hash: string; start: string; last4: string };

export function isValidKeyPrefix(prefix: string): boolean {
  return KEY_PREFIX_PATTERN.test(prefix);
}

/**
 * Uniform base62 string from a byte source. Bytes >= 248 (= 4 × 62) are
 * rejected instead of reduced modulo 62, which would make the first 8 alphabet
 * characters 25% more likely. The byte source is a parameter only for tests.
 */
export function randomBase62(
  length: number,
  source: (size: number) => Uint8Array = randomBytes,
): string {
  let out = "";
  while (out.length < length) {
    // Ask for a little more than needed: on average 3% of bytes are rejected.
    const bytes = source(length - out.length + 8);
    for (const byte of bytes) {
      if (byte >= 248) continue;
      out += BASE62.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return out;
}

function encodeBase62Fixed(value: number, width: number): string {
  let out = "";
  let rest = value;
  while (rest > 0) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, "0");
}

function computeChecksum(body: string): string {
  // crc32 returns an unsigned 32-bit integer, so the encoding never exceeds 6 chars.
  return encodeBase62Fixed(crc32(body), KEY_CHECKSUM_LENGTH);
}

/**
 * Splits a key into its parts, or returns null if the shape is wrong or the
 * checksum does not match. The checksum is derived from the input itself, so a
 * plain (non-constant-time) comparison leaks nothing secret.
 */
export function parseKey(key: string): ParsedKey | null {
  if (typeof key !== "string" || key.length > MAX_KEY_LENGTH) return null;
  const split = key.lastIndexOf("_");
  if (split < 1) return null;
  const prefix = key.slice(0, split);
  const tail = key.slice(split + 1);
  if (tail.length !== TAIL_LENGTH || !TAIL_PATTERN.test(tail)) return null;
  if (!isValidKeyPrefix(prefix)) return null;
  const random = tail.slice(0, KEY_RANDOM_LENGTH);
  const checksum = tail.slice(KEY_RANDOM_LENGTH);
  if (computeChecksum(`${prefix}_${random}`) !== checksum) return null;
  return { prefix, random, checksum };
}

export function hasValidChecksum(key: string): boolean {
  return parseKey(key) !== null;
}

/**
 * SHA-256 of the whole key, hex. A fast hash is right here: keys carry over 160 bits
 * of entropy, so slow password hashing adds nothing but hot-path latency.
 */
export function hashKey(key: string): string {
  // One-shot hash: about half the cost of createHash().update().digest() (verify hot path).
  return hash("sha256", key, "hex");
}

/**
 * `prefix_` plus the first 4 random chars, stored for display and search.
 * Throws on a string without a key tail; the message never echoes the input,
 * because the input may be a secret.
 */
export function keyStart(key: string): string {
  const split = key.lastIndexOf("_");
  if (split < 1 || key.length - split - 1 !== TAIL_LENGTH) {
    throw new Error("keyStart: value is not shaped like an API key");
  }
  return key.slice(0, split + 1 + 4);
}

export function keyLast4(key: string): string {
  return key.slice(-4);
}

export function displayKey(start: string, last4: string): string {
  return `${start}…${last4}`;
}

export function generateKey(prefix: string): GeneratedKey {
  if (!isValidKeyPrefix(prefix)) {
    throw new Error("generateKey: prefix must be 1-16 letters, digits or underscores");
  }
  const body = `${prefix}_${randomBase62(KEY_RANDOM_LENGTH)}`;
  const key = body + computeChecksum(body);
  return { key, hash: hashKey(key), start: keyStart(key), last4: keyLast4(key) };
}
