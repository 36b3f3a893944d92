import { env } from "@/lib/env";
import { parseIp } from "@/lib/verify/ip";
import type { TrustedProxies } from "./trusted-proxies";

/**
 * The client's address, decided once for every use (the IP allowlist of v2 verify,
 * sign-in limits, audit entries), from the address of the TCP peer and the
 * `KEYPLANE_TRUSTED_PROXIES` setting.
 *
 * X-Forwarded-For is read right to left: each proxy appends the address it received the
 * request from, so only the entries added by proxies Keyplane trusts say anything. The
 * walk starts at the socket's peer; while the current hop is a trusted proxy it steps one
 * entry to the left; the first address that is not a trusted proxy is the client.
 * Whatever a client writes into the header itself sits to the left of that point and is
 * never reached. With no trusted proxies (the default) the header is not read at all.
 *
 * A list of addresses rather than a hop count: a count trusts whatever sits at that
 * position, so one request that reaches Keyplane past the proxy (a second listener, a
 * misrouted health check) chooses its own address; a list trusts only the proxies'
 * own addresses.
 *
 * The peer is only known where the socket is. scripts/server.mjs (and scripts/dev.mjs)
 * write it into PEER_ADDRESS_HEADER after deleting any copy the client sent, and Next.js
 * passes the header on to route handlers and server actions; the node:http fast path
 * reads the socket itself. A request without the header did not come through those
 * entries (a route called directly, bare `next dev`), so nothing about its sender is
 * known and its client is "unknown": an allowlist then refuses it, which is the safe way
 * to be wrong.
 */

export const PEER_ADDRESS_HEADER = "x-keyplane-peer-address";
export const UNKNOWN_CLIENT = "unknown";

/** A dual-stack socket reports IPv4 peers as `::ffff:a.b.c.d`; counted as `a.b.c.d`. */
const MAPPED_PREFIX = "::ffff:";

function plainPeer(peer: string): string {
  return peer.startsWith(MAPPED_PREFIX) && peer.includes(".", MAPPED_PREFIX.length)
    ? peer.slice(MAPPED_PREFIX.length)
    : peer;
}

/** An X-Forwarded-For entry as an address (IPv4-mapped as IPv4), or null if malformed. */
function entryAddress(entry: string): string | null {
  const address = parseIp(entry);
  if (address === null) return null;
  if (address.version === 4 && entry.includes(":")) return address.bytes.join(".");
  return address.version === 6 ? entry.toLowerCase() : entry;
}

/** More hops than any real chain of proxies; bounds the walk over a hostile header. */
const MAX_HOPS = 32;

/**
 * The client's address (see the module comment). `peer` is the socket's remote address;
 * `forwardedFor` the X-Forwarded-For header (repeated headers joined with ","). When the
 * walk meets a malformed or empty entry it stops at the last hop it could read, a
 * trusted proxy: a proxy that writes garbage makes its own address the client's, and a
 * client can never make the walk skip past that proxy.
 */
export function resolveClientAddress(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies | null,
): string {
  if (!peer) return UNKNOWN_CLIENT;
  const socket = plainPeer(peer);
  if (trusted === null || !forwardedFor || !trusted.matches(socket)) return socket;
  let client = socket;
  let end = forwardedFor.length;
  for (let hop = 0; hop < MAX_HOPS && end > 0; hop++) {
    const comma = forwardedFor.lastIndexOf(",", end - 1);
    const address = entryAddress(forwardedFor.slice(comma + 1, end).trim());
    if (address === null) return client;
    client = address;
    if (!trusted.matches(address)) return address;
    if (comma < 0) return client;
    end = comma;
  }
  return client;
}

/** The trusted proxies of this process's environment (parsed once, by lib/env.ts). */
export function trustedProxies(): TrustedProxies | null {
  return env().KEYPLANE_TRUSTED_PROXIES;
}

/**
 * The client's address for a request that came through Next.js (route handlers,
 * server actions, next-auth): the peer written by the server entry, and the
 * forwarded-for chain as the client's proxies sent it.
 */
export function clientAddressFrom(headers: { get(name: string): string | null }): string {
  return resolveClientAddress(
    headers.get(PEER_ADDRESS_HEADER),
    headers.get("x-forwarded-for"),
    trustedProxies(),
  );
}
