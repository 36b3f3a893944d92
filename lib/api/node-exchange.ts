import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiReply, ApiRequest } from "./exchange";

// The node:http side of lib/api/exchange.ts, for the fast path of scripts/server.mjs:
// an ApiRequest over an IncomingMessage and a reply written to a ServerResponse, with
// no web Request/Response or stream objects in between.

/**
 * An ApiRequest over a node request. Header values are read as Next.js's request
 * handler would present them: repeated headers joined with ", ", and X-Forwarded-For
 * defaulting to the socket's address when the request carries none (Next.js sets it
 * that way before any route runs; lib/auth/request-info.ts relies on it).
 */
export function nodeApiRequest(req: IncomingMessage): ApiRequest {
  return {
    headers: {
      get(name: string): string | null {
        const value = req.headers[name];
        if (value === undefined) {
          return name === "x-forwarded-for" ? (req.socket.remoteAddress ?? null) : null;
        }
        return Array.isArray(value) ? value.join(", ") : value;
      },
    },
    readBody: (limit) => readNodeBody(req, limit),
  };
}

function readNodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    function onData(chunk: Buffer) {
      size += chunk.length;
      if (size > limit) {
        stop();
        // Whatever else arrives is discarded unread, so the connection stays usable.
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      stop();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    }
    function onError(error: Error) {
      stop();
      reject(error);
    }
    function onClose() {
      stop();
      reject(new Error("the request was closed before its body ended"));
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/**
 * Writes a reply: `fixed` first (headers the server adds to every answer on this path,
 * e.g. security headers), then the reply's own, and the length of the body.
 */
export function writeNodeReply(
  res: ServerResponse,
  reply: ApiReply,
  fixed: Readonly<Record<string, string>>,
): void {
  const headers: Record<string, string | number> = { ...fixed, ...reply.headers };
  headers["content-length"] = Buffer.byteLength(reply.body);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
