/**
 * IP allowlist matching for IPv4 and IPv6 CIDRs.
 *
 * Written by hand (no `ipaddr.js` in the dependency tree) and deliberately
 * strict, because lenient parsers are where allowlist bypasses come from:
 * IPv4 octets with leading zeros are rejected (`010.0.0.1` is 8.0.0.1 to some
 * parsers and 10.0.0.1 to others), as are shorthand forms (`10.1`), zone ids
 * (`fe80::1%eth0`), brackets and surrounding whitespace. Callers trim input.
 *
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what a dual-stack socket
 * reports for an IPv4 client) are turned into plain IPv4 before matching, and
 * so are CIDRs inside `::ffff:0:0/96`. Hence `::/0` matches every IPv6 client
 * but no IPv4 client; allow everything with `0.0.0.0/0` plus `::/0`.
 */

export type IpVersion = 4 | 6;
/** Addresses are kept as bytes (4 or 16) so both families share one matcher. */
export type Cidr = { version: IpVersion; bytes: Uint8Array; prefix: number; text: string };
export type ParseCidrResult = { ok: true; value: Cidr } | { ok: false; error: string };

const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
const PREFIX_LENGTH = /^(?:0|[1-9][0-9]{0,2})$/;

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? "";
    if (!IPV4_PART.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseHextets(groups: string[], out: number[]): boolean {
  for (const group of groups) {
    if (!HEXTET.test(group)) return false;
    out.push(Number.parseInt(group, 16));
  }
  return true;
}

function parseIpv6(s: string): Uint8Array | null {
  if (s.length > 45 || s.length < 2) return null;
  let text = s;
  const tail: number[] = [];
  // An embedded IPv4 tail (`::ffff:1.2.3.4`) fills the last two hextets.
  if (text.includes(".")) {
    const cut = text.lastIndexOf(":");
    const v4 = parseIpv4(text.slice(cut + 1));
    if (!v4) return null;
    tail.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    text = text.slice(0, cut + 1);
    // Keep a trailing "::" intact, otherwise drop the separator before the IPv4 part.
    if (text.endsWith(":") && !text.endsWith("::")) text = text.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head: number[] = [];
  const rest: number[] = [];
  const [left = "", right] = halves;
  if (left !== "" && !parseHextets(left.split(":"), head)) return null;
  if (right !== undefined && right !== "" && !parseHextets(right.split(":"), rest)) return null;
  const explicit = head.length + rest.length + tail.length;
  if (right === undefined ? explicit !== 8 : explicit > 7) return null;
  const hextets = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail];
  const bytes = new Uint8Array(16);
  hextets.forEach((h, i) => {
    bytes[i * 2] = h >> 8;
    bytes[i * 2 + 1] = h & 0xff;
  });
  return bytes;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Parses a single address; IPv4-mapped IPv6 comes back as IPv4. */
export function parseIp(s: string): { version: IpVersion; bytes: Uint8Array } | null {
  if (typeof s !== "string") return null;
  if (!s.includes(":")) {
    const v4 = parseIpv4(s);
    return v4 ? { version: 4, bytes: v4 } : null;
  }
  const v6 = parseIpv6(s);
  if (!v6) return null;
  return isV4Mapped(v6) ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 };
}

function hasHostBits(bytes: Uint8Array, prefix: number): boolean {
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if (((bytes[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) return true;
  }
  return false;
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let bit = prefix; bit < out.length * 8; bit++) {
    out[bit >> 3] = (out[bit >> 3] ?? 0) & ~(1 << (7 - (bit & 7)));
  }
  return out;
}

function formatIp(version: IpVersion, bytes: Uint8Array): string {
  if (version === 4) return Array.from(bytes).join(".");
  const hextets = Array.from(
    { length: 8 },
    (_, i) => ((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0),
  );
  // RFC 5952: compress the longest run (length >= 2) of zero hextets, first one on ties.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = hextets.map((h) => h.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * Parses `address/prefix` or a plain address (a /32 or /128). A CIDR with host
 * bits set (`10.0.0.5/24`) is rejected with the network it probably meant,
 * because silently widening it would grant far more than the admin typed.
 */
export function parseCidr(s: string): ParseCidrResult {
  if (typeof s !== "string" || s.length === 0)
    return { ok: false, error: "Enter an IP address or CIDR" };
  if (s.length > 64) return { ok: false, error: "Too long for an IP address or CIDR" };
  const slash = s.indexOf("/");
  const addressText = slash < 0 ? s : s.slice(0, slash);
  const address = parseIp(addressText);
  if (!address) return { ok: false, error: `"${addressText}" is not a valid IPv4 or IPv6 address` };
  const mapped = address.version === 4 && addressText.includes(":");
  const max = address.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const prefixText = s.slice(slash + 1);
    const maxTyped = mapped ? 128 : max;
    if (!PREFIX_LENGTH.test(prefixText) || Number(prefixText) > maxTyped) {
      return { ok: false, error: `Prefix length must be a whole number from 0 to ${maxTyped}` };
    }
    prefix = Number(prefixText);
    if (mapped) {
      if (prefix < 96)
        return { ok: false, error: "An IPv4-mapped CIDR needs a prefix of at least 96" };
      prefix -= 96;
    }
  }
  if (hasHostBits(address.bytes, prefix)) {
    const network = formatIp(address.version, maskBytes(address.bytes, prefix));
    return { ok: false, error: `Host bits are set; did you mean ${network}/${prefix}?` };
  }
  const text = `${formatIp(address.version, address.bytes)}/${prefix}`;
  return { ok: true, value: { version: address.version, bytes: address.bytes, prefix, text } };
}

function contains(cidr: Cidr, bytes: Uint8Array): boolean {
  const full = cidr.prefix >> 3;
  for (let i = 0; i < full; i++) if (cidr.bytes[i] !== bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((cidr.bytes[full] ?? 0) & mask) === ((bytes[full] ?? 0) & mask);
}

/**
 * Compiles an allowlist once (e.g. when a key record enters the cache) into a
 * matcher for the hot path. Entries that fail to parse match nothing, so a
 * corrupt stored entry can only narrow access, never widen it.
 */
export function compileIpAllowlist(allowlist: readonly string[]): (ip: string) => boolean {
  if (allowlist.length === 0) return () => true;
  const cidrs: Cidr[] = [];
  for (const entry of allowlist) {
    const parsed = parseCidr(entry);
    if (parsed.ok) cidrs.push(parsed.value);
  }
  return (ip) => {
    const address = parseIp(ip);
    if (!address) return false;
    return cidrs.some((c) => c.version === address.version && contains(c, address.bytes));
  };
}

/** Empty allowlist = any IP; otherwise the IP must parse and fall in some CIDR. */
export function isIpAllowed(ip: string, allowlist: readonly string[]): boolean {
  return compileIpAllowlist(allowlist)(ip);
}
