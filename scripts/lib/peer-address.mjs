// The client-address half that only a server entry can do: it alone sees the socket.
// Every request handed to Next.js carries the socket's peer address in one header, set
// here after any copy the client sent is removed, so a route handler or server action
// can never be told a peer by the client. The app resolves the client's address from it
// and X-Forwarded-For over the trusted proxies (lib/net/client-address.ts, which names
// the same header). The verify fast path reads the socket itself and needs none of this.
export const PEER_ADDRESS_HEADER = "x-keyplane-peer-address";

/** Overwrites the peer header of a request (IncomingMessage) before Next.js reads it. */
export function setPeerAddress(req) {
  // Node.js keeps the client's copies in rawHeaders too; Next.js reads `headers`.
  delete req.headers[PEER_ADDRESS_HEADER];
  req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
}
