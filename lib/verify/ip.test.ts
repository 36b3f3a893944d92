import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { compileIpAllowlist, isIpAllowed, parseCidr, parseIp } from "./ip";

function cidrText(s: string): string {
  const result = parseCidr(s);
  if (!result.ok) throw new Error(`expected ${s} to parse: ${result.error}`);
  return result.value.text;
}

function cidrError(s: string): string {
  const result = parseCidr(s);
  if (result.ok) throw new Error(`expected ${s} to be rejected`);
  return result.error;
}

describe("parseIp", () => {
  it("parses IPv4 strictly", () => {
    expect(parseIp("1.2.3.4")?.bytes).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(parseIp("0.0.0.0")?.version).toBe(4);
    expect(parseIp("255.255.255.255")?.version).toBe(4);
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.-4", "1..3.4"]) {
      expect(parseIp(bad), bad).toBeNull();
    }
    for (const bad of [" 1.2.3.4", "1.2.3.4 ", "0x1.2.3.4", "1.2.3.4/32", "", "1e2.0.0.1"]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it("parses IPv6 forms", () => {
    expect(parseIp("::")?.bytes).toEqual(new Uint8Array(16));
    expect(parseIp("::1")?.bytes.at(15)).toBe(1);
    expect(parseIp("2001:DB8::1")?.bytes.slice(0, 4)).toEqual(
      Uint8Array.from([0x20, 1, 0xd, 0xb8]),
    );
    expect(parseIp("1:2:3:4:5:6:7:8")?.bytes.at(15)).toBe(8);
    expect(parseIp("1:2:3:4:5:6:7::")?.bytes.at(15)).toBe(0);
    expect(parseIp("64:ff9b::1.2.3.4")?.bytes.slice(12)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(parseIp("1:2:3:4:5:6:1.2.3.4")?.version).toBe(6);
  });

  it("rejects malformed IPv6", () => {
    const bad = [
      ":::",
      "1:::2",
      "1::2::3",
      ":1::2",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1::2:3:4:5:6:7:8",
      "12345::1",
      "g::1",
      "fe80::1%eth0",
      "[::1]",
      "::1.2.3",
      "::256.1.1.1",
      "1.2.3.4::",
      ":1.2.3.4",
      "1:2:3:4:5:6:7:1.2.3.4",
    ];
    for (const s of bad) expect(parseIp(s), s).toBeNull();
  });

  it("agrees with node:net on which strings are addresses", () => {
    const samples = [
      "::",
      "::1",
      "1::",
      "::ffff:1.2.3.4",
      "1:2:3:4:5:6:7:8",
      "1:2::7:8",
      "ff02::1:ff00:0",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "::1.2.3.4",
      "a:b:c:d:e:f:1.2.3.4",
      "a:b:c:d:e:f:0:1.2.3.4",
      "1.2.3.4",
      "1.2.3.256",
      "12345::",
    ];
    for (const s of samples) expect(parseIp(s) !== null, s).toBe(isIP(s) !== 0);
  });

  it("turns IPv4-mapped IPv6 into IPv4", () => {
    expect(parseIp("::ffff:1.2.3.4")).toEqual({ version: 4, bytes: Uint8Array.from([1, 2, 3, 4]) });
    expect(parseIp("::FFFF:0102:0304")).toEqual({
      version: 4,
      bytes: Uint8Array.from([1, 2, 3, 4]),
    });
    // IPv4-compatible (deprecated) and NAT64 addresses are not mapped addresses.
    expect(parseIp("::1.2.3.4")?.version).toBe(6);
    expect(parseIp("::fffe:1.2.3.4")?.version).toBe(6);
  });
});

describe("parseCidr", () => {
  it("accepts CIDRs and plain addresses, normalising the text", () => {
    expect(cidrText("10.0.0.0/8")).toBe("10.0.0.0/8");
    expect(cidrText("1.2.3.4")).toBe("1.2.3.4/32");
    expect(cidrText("0.0.0.0/0")).toBe("0.0.0.0/0");
    expect(cidrText("2001:DB8:0:0::/32")).toBe("2001:db8::/32");
    expect(cidrText("::1")).toBe("::1/128");
    expect(cidrText("::/0")).toBe("::/0");
    expect(cidrText("1:0:0:2:0:0:0:3")).toBe("1:0:0:2::3/128");
    expect(cidrText("1:0:0:2:0:0:3:4")).toBe("1::2:0:0:3:4/128");
    expect(cidrText("1:2:3:4:5:6:0:8")).toBe("1:2:3:4:5:6:0:8/128");
  });

  it("maps IPv4-mapped CIDRs onto IPv4", () => {
    expect(cidrText("::ffff:1.2.3.0/120")).toBe("1.2.3.0/24");
    expect(cidrText("::ffff:1.2.3.4")).toBe("1.2.3.4/32");
    expect(cidrText("::ffff:0:0/96")).toBe("0.0.0.0/0");
    expect(cidrError("::ffff:0:0/95")).toMatch(/at least 96/);
  });

  it("rejects bad prefixes", () => {
    expect(cidrError("10.0.0.0/33")).toMatch(/0 to 32/);
    expect(cidrError("::/129")).toMatch(/0 to 128/);
    for (const bad of ["10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8/8", "10.0.0.0/ 8"]) {
      expect(parseCidr(bad).ok, bad).toBe(false);
    }
  });

  it("rejects host bits with the network that was probably meant", () => {
    expect(cidrError("10.0.0.5/24")).toBe("Host bits are set; did you mean 10.0.0.0/24?");
    expect(cidrError("2001:db8::1/64")).toBe("Host bits are set; did you mean 2001:db8::/64?");
    expect(cidrError("10.0.0.128/24")).toMatch(/10\.0\.0\.0\/24/);
  });

  it("rejects garbage with a message", () => {
    for (const bad of ["", "localhost", "10.0.0.0 /8", "*", "1.2.3.4, 5.6.7.8", "x".repeat(100)]) {
      expect(cidrError(bad).length, bad).toBeGreaterThan(0);
    }
  });
});

describe("isIpAllowed", () => {
  it("allows anything when the list is empty", () => {
    expect(isIpAllowed("1.2.3.4", [])).toBe(true);
    expect(isIpAllowed("not an ip", [])).toBe(true);
  });

  it("matches IPv4 CIDR boundaries", () => {
    const list = ["192.168.1.0/24"];
    expect(isIpAllowed("192.168.1.0", list)).toBe(true);
    expect(isIpAllowed("192.168.1.255", list)).toBe(true);
    expect(isIpAllowed("192.168.0.255", list)).toBe(false);
    expect(isIpAllowed("192.168.2.0", list)).toBe(false);
    const odd = ["10.0.0.32/27"]; // 10.0.0.32 – 10.0.0.63
    expect(isIpAllowed("10.0.0.31", odd)).toBe(false);
    expect(isIpAllowed("10.0.0.32", odd)).toBe(true);
    expect(isIpAllowed("10.0.0.63", odd)).toBe(true);
    expect(isIpAllowed("10.0.0.64", odd)).toBe(false);
  });

  it("matches single addresses exactly", () => {
    expect(isIpAllowed("1.2.3.4", ["1.2.3.4"])).toBe(true);
    expect(isIpAllowed("1.2.3.5", ["1.2.3.4"])).toBe(false);
    expect(isIpAllowed("::1", ["::1"])).toBe(true);
    expect(isIpAllowed("0:0:0:0:0:0:0:1", ["::1"])).toBe(true);
    expect(isIpAllowed("::2", ["::1"])).toBe(false);
  });

  it("matches IPv6 CIDR boundaries", () => {
    const list = ["2001:db8:abcd:12::/63"];
    expect(isIpAllowed("2001:db8:abcd:12::", list)).toBe(true);
    expect(isIpAllowed("2001:db8:abcd:13:ffff:ffff:ffff:ffff", list)).toBe(true);
    expect(isIpAllowed("2001:db8:abcd:11:ffff:ffff:ffff:ffff", list)).toBe(false);
    expect(isIpAllowed("2001:db8:abcd:14::", list)).toBe(false);
  });

  it("handles /0 per family", () => {
    expect(isIpAllowed("8.8.8.8", ["0.0.0.0/0"])).toBe(true);
    expect(isIpAllowed("2001:db8::1", ["0.0.0.0/0"])).toBe(false);
    expect(isIpAllowed("2001:db8::1", ["::/0"])).toBe(true);
    expect(isIpAllowed("8.8.8.8", ["::/0"])).toBe(false);
    expect(isIpAllowed("::ffff:8.8.8.8", ["0.0.0.0/0"])).toBe(true);
  });

  it("matches IPv4-mapped client addresses against IPv4 CIDRs and vice versa", () => {
    expect(isIpAllowed("::ffff:10.1.2.3", ["10.0.0.0/8"])).toBe(true);
    expect(isIpAllowed("::ffff:0a01:0203", ["10.0.0.0/8"])).toBe(true);
    expect(isIpAllowed("::ffff:11.1.2.3", ["10.0.0.0/8"])).toBe(false);
    expect(isIpAllowed("10.1.2.3", ["::ffff:10.0.0.0/104"])).toBe(true);
  });

  it("does not let an IPv6 address with the same bytes match an IPv4 CIDR", () => {
    // ::a01:203 is 10.1.2.3 in its last 32 bits but is not an IPv4 client.
    expect(isIpAllowed("::a01:203", ["10.0.0.0/8"])).toBe(false);
    expect(isIpAllowed("a01:203::", ["10.0.0.0/8"])).toBe(false);
  });

  it("denies unparsable IPs when the list is non-empty", () => {
    for (const ip of ["", "garbage", "10.0.0.1 ", "010.0.0.1", "10.0.0.1/32", "fe80::1%eth0"]) {
      expect(isIpAllowed(ip, ["0.0.0.0/0", "::/0"]), ip).toBe(false);
    }
  });

  it("ignores invalid stored entries instead of widening access", () => {
    expect(isIpAllowed("10.0.0.1", ["garbage", "10.0.0.1/33"])).toBe(false);
    expect(isIpAllowed("10.0.0.1", ["garbage", "10.0.0.1"])).toBe(true);
  });

  it("compiles once and matches many times", () => {
    const allowed = compileIpAllowlist(["10.0.0.0/8", "2001:db8::/32"]);
    expect(allowed("10.9.9.9")).toBe(true);
    expect(allowed("2001:db8:1::1")).toBe(true);
    expect(allowed("2001:db9::1")).toBe(false);
    expect(allowed("11.0.0.0")).toBe(false);
  });
});
