import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiReply, ApiRequest } from "./exchange";

// The node:http side of lib/api/exchange.ts, for the fast path of scripts/server.mjs:
// an ApiRequest over an IncomingMessage and a reply written to a ServerResponse, with
// no web Request/Response or stream objects in between.

/**
 * Reads the request's body (at most `limit` bytes; past that, or when Content-Length
 * already says more, the rest is discarded unread and the body is null) and then calls
 * `handle` with an ApiRequest over it. No promise is involved: the handler gets the
 * body at once (see Maybe in exchange.ts).
 *
 * Header values are read as Next.js's request handler would present them: repeated
 * headers joined with ", ", and X-Forwarded-For defaulting to the socket's address when
 * the request carries none (Next.js sets it that way before any route runs;
 * lib/auth/request-info.ts relies on it).
 */
export function withNodeApiRequest(
  req: IncomingMessage,
  limit: number,
  handle: (request: ApiRequest) => void,
): void {
  const headers = {
    get(name: string): string | null {
      const value = req.headers[name];
      if (value === undefined) {
        return name === "x-forwarded-for" ? (req.socket.remoteAddress ?? null) : null;
      }
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
  // Declared too large: refused without reading (exchange.ts checks the header first).
  const declared = Number(req.headers["content-length"] ?? "0");
  if (Number.isFinite(declared) && declared > limit) {
    handle({ headers, readBody: () => null });
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
    handle({ headers, readBody: () => body });
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
