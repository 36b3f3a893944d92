import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveClientAddress, trustedProxies } from "@/lib/net/client-address";
import type { ApiReply, ApiRequest } from "./exchange";

// The node:http side of lib/api/exchange.ts, for the fast path of scripts/server.mjs:
// an ApiRequest over an IncomingMessage and a reply written to a ServerResponse, with
// no web Request/Response or stream objects in between.

/**
 * An ApiRequest over an IncomingMessage whose body has been read. One object per request
 * serves as the request and as its headers, so the fast path allocates nothing more.
 *
 * Header values are read as Next.js's request handler would present them: repeated
 * headers joined with ", ". The client's address is resolved from the socket's peer and
 * X-Forwarded-For (lib/net/client-address.ts) only when a handler asks for it.
 */
class NodeApiRequest implements ApiRequest {
  readonly headers = this;
  constructor(
    private readonly req: IncomingMessage,
    private readonly body: Uint8Array | null,
  ) {}

  get(name: string): string | null {
    const value = this.req.headers[name];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }

  readBody(): Uint8Array | null {
    return this.body;
  }

  clientAddress(): string {
    return resolveClientAddress(
      this.req.socket.remoteAddress,
      this.get("x-forwarded-for"),
      trustedProxies(),
    );
  }
}

/**
 * Reads the request's body (at most `limit` bytes; past that, or when Content-Length
 * already says more, the rest is discarded unread and the body is null) and then calls
 * `handle` with an ApiRequest over it. No promise is involved: the handler gets the
 * body at once (see Maybe in exchange.ts).
 */
export function withNodeApiRequest(
  req: IncomingMessage,
  limit: number,
  handle: (request: ApiRequest) => void,
): void {
  // Declared too large: refused without reading (exchange.ts checks the header first).
  const declared = Number(req.headers["content-length"] ?? "0");
  if (Number.isFinite(declared) && declared > limit) {
    handle(new NodeApiRequest(req, null));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = (body: Uint8Array | null) => {
    if (done) return;
    done = true;
    req.off("data", onData);
    req.off("end", onEnd);
    handle(new NodeApiRequest(req, body));
  };
  function onData(chunk: Buffer) {
    size += chunk.length;
    if (size > limit) {
      // Whatever else arrives is discarded unread, so the connection stays usable.
      req.resume();
      finish(null);
      return;
    }
    chunks.push(chunk);
  }
  function onEnd() {
    finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  }
  req.on("data", onData);
  req.on("end", onEnd);
  // A client that goes away mid-body gets no answer; nothing was decided for it.
}

type HeaderPair = readonly [string, string | number];

/** The fixed headers of a path as [name, value] pairs, made once per object. */
const pairsOf = new WeakMap<object, readonly HeaderPair[]>();

function fixedPairs(fixed: Readonly<Record<string, string>>): readonly HeaderPair[] {
  let pairs = pairsOf.get(fixed);
  if (pairs === undefined) {
    pairs = Object.entries(fixed);
    pairsOf.set(fixed, pairs);
  }
  return pairs;
}

/**
 * Writes a reply: `fixed` first (headers the server adds to every answer on this path,
 * e.g. security headers; replies never set those names), then the reply's own, and the
 * length of the body. The headers go to writeHead as a list of [name, value] pairs (the
 * form both node:http and the compression middleware's writeHead wrapper read), with the
 * fixed pairs shared between answers: this runs once per verification.
 */
export function writeNodeReply(
  res: ServerResponse,
  reply: ApiReply,
  fixed: Readonly<Record<string, string>>,
): void {
  const headers: HeaderPair[] = fixedPairs(fixed).slice();
  for (const name in reply.headers) headers.push([name, reply.headers[name] as string]);
  headers.push(["content-length", Buffer.byteLength(reply.body)]);
  res.writeHead(reply.status, headers as unknown as [string, string][]);
  res.end(reply.body);
}
