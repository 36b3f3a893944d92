import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleVerifyKeyV2 } from "@/lib/unkey/verify-key";
import type { ApiReply, ApiRequest, Maybe } from "./exchange";
import { MAX_BODY_BYTES } from "./http";
import { withNodeApiRequest, writeNodeReply } from "./node-exchange";
import { handleVerify } from "./verify";

/**
 * The routes scripts/server.mjs answers on plain node:http, before Next.js's router:
 * the verify endpoints, whose cost per request is otherwise mostly Next.js's. Each maps
 * a POST path to the very handler its route file calls (app/.../route.ts), so both
 * servers answer alike; only the transport differs.
 */
const ROUTES: Record<string, (request: ApiRequest) => Maybe<ApiReply>> = {
  "/api/v1/keys/verify": handleVerify,
  "/v2/keys.verifyKey": handleVerifyKeyV2,
};

export type FastRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  fixedHeaders: Readonly<Record<string, string>>,
) => void;

function failed(res: ServerResponse, error: unknown): void {
  console.error("[fast path] failed:", error instanceof Error ? error.message : error);
  if (res.headersSent) res.destroy();
  else {
    res.statusCode = 500;
    res.end("Internal Server Error");
  }
}

/** What instrumentation.ts publishes on globalThis for scripts/server.mjs. */
export type FastPath = { version: 1; routes: Record<string, FastRoute> };

export const FAST_PATH_GLOBAL = "__keyplaneFastPath";

export function fastPath(): FastPath {
  const routes: Record<string, FastRoute> = {};
  for (const [path, handler] of Object.entries(ROUTES)) {
    routes[path] = (req, res, fixedHeaders) => {
      withNodeApiRequest(req, MAX_BODY_BYTES, (request) => {
        // The handlers answer every failure themselves; reaching `failed` is a bug.
        try {
          const reply = handler(request);
          if (reply instanceof Promise) {
            reply
              .then((settled) => writeNodeReply(res, settled, fixedHeaders))
              .catch((error: unknown) => failed(res, error));
          } else writeNodeReply(res, reply, fixedHeaders);
        } catch (error) {
          failed(res, error);
        }
      });
    };
  }
  return { version: 1, routes };
}

/** Makes the fast path reachable from the server script (a plain Node module). */
export function publishFastPath(): void {
  (globalThis as Record<string, unknown>)[FAST_PATH_GLOBAL] = fastPath();
}
