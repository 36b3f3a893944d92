import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { parseIp } from "@/lib/verify/ip";
import { resolveClientAddress, UNKNOWN_CLIENT } from "./client-address";
import { parseTrustedProxies, type TrustedProxies } from "./trusted-proxies";

function trusted(text: string): TrustedProxies {
  const parsed = parseTrustedProxies(text);
  if (!parsed.ok || parsed.value === null) throw new Error(`bad test list: ${text}`);
  return parsed.value;
}

const PROXIES = trusted("10.0.0.0/8, 2001:db8:1::/48, 127.0.0.1");

describe("parseTrustedProxies", () => {
  it("unset or blank: no trusted proxy", () => {
    expect(parseTrustedProxies(undefined)).toEqual({ ok: true, value: null });
    expect(parseTrustedProxies(" , ")).toEqual({ ok: true, value: null });
  });

  it("refuses the whole list for one bad entry, naming it", () => {
    for (const [text, named] of [
      ["10.0.0.0/8, 10.0.0.5/24", "10.0.0.5/24"],
      ["010.0.0.1", "010.0.0.1"],
      ["10.1", "10.1"],
      ["fe80::1%eth0", "fe80::1%eth0"],
      ["proxy.internal", "proxy.internal"],
    ]) {
      const parsed = parseTrustedProxies(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain(`"${named}"`);
    }
  });

  it("matches its addresses and networks only", () => {
    expect(PROXIES.matches("10.200.3.4")).toBe(true);
    expect(PROXIES.matches("::ffff:10.200.3.4")).toBe(true);
    expect(PROXIES.matches("2001:db8:1:ffff::1")).toBe(true);
    expect(PROXIES.matches("127.0.0.2")).toBe(false);
    expect(PROXIES.matches("11.0.0.1")).toBe(false);
  });
});

describe("KEYPLANE_TRUSTED_PROXIES in the environment", () => {
  /** The environment parsed afresh with this value (or the error it raises). */
  async function parsedWith(value: string) {
    vi.resetModules();
    vi.stubEnv("KEYPLANE_TRUSTED_PROXIES", value);
    try {
      return (await import("@/lib/env")).env();
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it("an invalid value is refused with the entry and the reason", async () => {
    await expect(parsedWith("10.0.0.0/8, 10.0.0.5/24")).rejects.toThrow(
      'KEYPLANE_TRUSTED_PROXIES: not an address or CIDR list: "10.0.0.5/24": Host bits are set; did you mean 10.0.0.0/24?',
    );
  });

  it("a valid value is compiled once", async () => {
    const trusted = (await parsedWith(" 10.0.0.0/8 ,::1 ")).KEYPLANE_TRUSTED_PROXIES;
    expect(trusted?.text).toBe("10.0.0.0/8, ::1/128");
    expect(trusted?.matches("10.1.1.1")).toBe(true);
    expect(trusted?.matches("11.1.1.1")).toBe(false);
  });
});

describe("resolveClientAddress", () => {
  it("without trusted proxies: the socket's peer, whatever the header says", () => {
    expect(resolveClientAddress("198.51.100.1", "10.9.8.7", null)).toBe("198.51.100.1");
    expect(resolveClientAddress("::ffff:198.51.100.1", "10.9.8.7", null)).toBe("198.51.100.1");
    expect(resolveClientAddress(undefined, "10.9.8.7", null)).toBe(UNKNOWN_CLIENT);
    expect(resolveClientAddress(null, null, null)).toBe(UNKNOWN_CLIENT);
  });

  it("from an untrusted peer the header is never read", () => {
    expect(resolveClientAddress("198.51.100.1", "10.9.8.7", PROXIES)).toBe("198.51.100.1");
  });

  it("reads right to left, stepping over trusted hops only", () => {
    // client → 10.1.1.1 → 10.2.2.2 → Keyplane (peer 10.2.2.2)
    expect(resolveClientAddress("10.2.2.2", "203.0.113.9, 10.1.1.1", PROXIES)).toBe("203.0.113.9");
    // Whatever the client put in front stays unread.
    expect(
      resolveClientAddress("10.2.2.2", "10.9.8.7, 1.2.3.4, 203.0.113.9, 10.1.1.1", PROXIES),
    ).toBe("203.0.113.9");
    // Repeated headers arrive joined with ", ".
    expect(resolveClientAddress("127.0.0.1", "1.1.1.1,203.0.113.9, 10.0.0.1", PROXIES)).toBe(
      "203.0.113.9",
    );
  });

  it("spaces, IPv6 and IPv4-mapped entries", () => {
    expect(resolveClientAddress("10.0.0.1", "  2001:DB8::5  ,\t10.0.0.2 ", PROXIES)).toBe(
      "2001:db8::5",
    );
    expect(resolveClientAddress("::ffff:10.0.0.1", "::ffff:203.0.113.4", PROXIES)).toBe(
      "203.0.113.4",
    );
    expect(resolveClientAddress("2001:db8:1::9", "198.51.100.3", PROXIES)).toBe("198.51.100.3");
  });

  it("a malformed or empty entry stops the walk at the last trusted hop", () => {
    for (const header of [
      "203.0.113.9, garbage",
      "203.0.113.9, 1.2.3.4:80",
      "203.0.113.9,,",
      "203.0.113.9, 010.0.0.1",
      "203.0.113.9, [2001:db8::1]",
      ",",
      "",
    ]) {
      expect(resolveClientAddress("10.0.0.1", header, PROXIES), header).toBe("10.0.0.1");
    }
    expect(resolveClientAddress("10.0.0.1", "203.0.113.9, bad, 10.0.0.2", PROXIES)).toBe(
      "10.0.0.2",
    );
  });

  it("a chain of trusted hops only: the leftmost of them", () => {
    expect(resolveClientAddress("10.0.0.3", "10.0.0.1, 10.0.0.2", PROXIES)).toBe("10.0.0.1");
  });

  const ipv4 = fc
    .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
    .map((parts) => parts.join("."));
  const ipv6 = fc
    .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
    .map((parts) => parts.map((p) => p.toString(16)).join(":"));
  const address = fc.oneof(ipv4, ipv6);
  const junk = fc.oneof(address, fc.string({ maxLength: 20 }), fc.constant("unknown"));
  const trustedHop = fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.${a}.${b}.1`);

  it("property: a prefix the client prepends never changes the result", () => {
    fc.assert(
      fc.property(
        fc.array(junk, { maxLength: 6 }),
        fc.array(address, { maxLength: 3 }),
        fc.array(trustedHop, { maxLength: 4 }),
        fc.oneof(trustedHop, address),
        fc.array(junk, { minLength: 1, maxLength: 6 }),
        (clientPart, middle, hops, peer, forged) => {
          const header = [...clientPart, ...middle, ...hops].join(", ");
          const honest = resolveClientAddress(peer, header || null, PROXIES);
          const withForgery = resolveClientAddress(
            peer,
            [...forged, ...clientPart, ...middle, ...hops].join(", "),
            PROXIES,
          );
          // The forged entries can only be reached when every entry to their right is a
          // well-formed trusted hop, i.e. when the honest header named no client at all.
          const named = [...clientPart, ...middle, ...hops].some((entry) => {
            const text = entry.trim();
            return parseIp(text) === null || !PROXIES.matches(text);
          });
          if (named) expect(withForgery).toBe(honest);
        },
      ),
    );
  });

  it("property: the result is the peer, an entry of the header, or unknown", () => {
    fc.assert(
      fc.property(fc.array(junk, { maxLength: 8 }), fc.oneof(trustedHop, address), (xs, peer) => {
        const result = resolveClientAddress(peer, xs.join(","), PROXIES);
        const candidates = [peer, ...xs.map((x) => x.trim())];
        expect(
          candidates.some((c) => c === result || c.toLowerCase() === result) ||
            candidates.some((c) => c.endsWith(result)),
        ).toBe(true);
      }),
    );
  });

  it("property: without trusted proxies the header never matters", () => {
    fc.assert(
      fc.property(address, fc.string(), (peer, header) => {
        expect(resolveClientAddress(peer, header, null)).toBe(peer);
      }),
    );
  });
});
