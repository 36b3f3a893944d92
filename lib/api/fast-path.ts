import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleVerifyKeyV2 } from "@/lib/unkey/verify-key";
import type { ApiReply, ApiRequest } from "./exchange";
import { nodeApiRequest, writeNodeReply } from "./node-exchange";
import { handleVerify } from "./verify";

/**
 * The routes scripts/server.mjs answers on plain node:http, before Next.js's router:
 * the verify endpoints, whose cost per request is otherwise mostly Next.js's. Each maps
 * a POST path to the very handler its route file calls (app/.../route.ts), so both
 * servers answer alike; only the transport differs.
 */
const ROUTES: Record<string, (request: ApiRequest) => Promise<ApiReply>> = {
  "/api/v1/keys/verify": handleVerify,
  "/v2/keys.verifyKey": handleVerifyKeyV2,
};

export type FastRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  fixedHeaders: Readonly<Record<string, string>>,
) => Promise<void>;

/** What instrumentation.ts publishes on globalThis for scripts/server.mjs. */
export type FastPath = { version: 1; routes: Record<string, FastRoute> };

export const FAST_PATH_GLOBAL = "__keyplaneFastPath";

export function fastPath(): FastPath {
  const routes: Record<string, FastRoute> = {};
  for (const [path, handler] of Object.entries(ROUTES)) {
    routes[path] = async (req, res, fixedHeaders) => {
      writeNodeReply(res, await handler(nodeApiRequest(req)), fixedHeaders);
    };
  }
  return { version: 1, routes };
}

/** Makes the fast path reachable from the server script (a plain Node module). */
export function publishFastPath(): void {
  (globalThis as Record<string, unknown>)[FAST_PATH_GLOBAL] = fastPath();
}
