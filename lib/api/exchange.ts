// The request and answer of an API handler, independent of the server in front of it.
// The verify endpoints run behind two servers: Next.js's route handlers (web `Request` /
// `Response`) and the plain node:http fast path of scripts/server.mjs. Their handlers
// take an ApiRequest and return an ApiReply, and each server adapts its own objects, so
// the request handling itself exists once. See lib/api/node-exchange.ts for node:http.

import { clientAddressFrom } from "@/lib/net/client-address";

/**
 * A value now or later. The verify handlers answer a cached key without awaiting
 * anything: once Next.js has served a request, every promise in the process pays for its
 * AsyncLocalStorage hooks (measured: a cached verification cost about three times as
 * much when it awaited at every step), so the hot path stays synchronous until it needs
 * I/O. The later side is always a native Promise (from an async function).
 */
export type Maybe<T> = T | Promise<T>;

/** `next(value)`, at once when the value is there, else when it arrives. */
export function andThen<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** `run()`, with `onError` answering a throw or a rejection. */
export function guarded<T>(run: () => Maybe<T>, onError: (error: unknown) => T): Maybe<T> {
  let result: Maybe<T>;
  try {
    result = run();
  } catch (error) {
    return onError(error);
  }
  return result instanceof Promise ? result.catch(onError) : result;
}

/** What a handler reads from a request: headers (lower-case names) and the body. */
export interface ApiRequest {
  readonly headers: { get(name: string): string | null };
  /**
   * The body's bytes, or null when more than `limit` bytes arrived; the rest is not
   * read, so an oversized body is never buffered whole. The node:http fast path reads
   * the body before calling the handler and hands it over at once.
   */
  readBody(limit: number): Maybe<Uint8Array | null>;
  /**
   * The client's address, resolved from the socket's peer and the trusted proxies
   * (lib/net/client-address.ts). A method, so a handler that needs no address pays
   * nothing for it.
   */
  clientAddress(): string;
}

/** A complete answer: status, headers (lower-case names) and the body text. */
export type ApiReply = {
  status: number;
  headers: Record<string, string>;
  body: string;
};

/** An ApiRequest over a web `Request` (Next.js route handlers, tests). */
export function webApiRequest(request: Request): ApiRequest {
  return {
    headers: request.headers,
    clientAddress: () => clientAddressFrom(request.headers),
    async readBody(limit) {
      if (!request.body) return new Uint8Array(0);
      const reader = request.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel().catch(() => {});
          return null;
        }
        chunks.push(value);
      }
      return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
    },
  };
}

/** The web `Response` of a reply, as a route handler returns it. */
export function toResponse(reply: ApiReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/**
 * A JSON reply; `content-type` is what `Response.json` would set. `headers` become the
 * reply's own object (callers pass a fresh one), so no copy is made per answer.
 */
export function jsonReply(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): ApiReply {
  headers["content-type"] = "application/json";
  return { status, headers, body: JSON.stringify(body) };
}
