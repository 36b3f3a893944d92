import "server-only";
import { countNotFound, notFoundRetryAfter } from "@/lib/api/not-found-limiter";
import { clientIpFrom } from "@/lib/auth/request-info";
import { VerifyUnavailableError, verifyKeyNow } from "@/lib/verify/engine";
import { authenticateFrom } from "./auth";
import { type ApiReply, type ApiRequest, guarded, type Maybe, andThen } from "./exchange";
import { readJsonBodyFrom } from "./http";
import { apiErrorReply, okReply } from "./responses";
import { verifyBodySchema } from "./schemas";

// POST /api/v1/keys/verify, the hot path: every request a customer's service receives
// ends up here. Cached keys and root keys answer without a database query (see
// lib/verify/engine.ts), and without awaiting anything (see Maybe in exchange.ts).
// Served by the route handler under `next dev` and by the node:http fast path of
// scripts/server.mjs in production; both call this.

function unavailable(error: unknown): ApiReply {
  // Never a 500 and never a guessed answer: anything that prevented a decision
  // (database or Redis unreachable, or a bug) is "cannot verify".
  if (!(error instanceof VerifyUnavailableError)) {
    console.error("[verify] failed:", error instanceof Error ? error.message : error);
  }
  return apiErrorReply("UNAVAILABLE", "cannot verify", undefined, { "retry-after": "1" });
}

export function handleVerify(request: ApiRequest): Maybe<ApiReply> {
  return guarded(
    () =>
      andThen(authenticateFrom(request, "keys:verify"), (authenticated) => {
        if (!authenticated.ok) return authenticated.reply;
        const { auth } = authenticated;
        const callerIp = clientIpFrom(request.headers);
        const retryAfter = notFoundRetryAfter(auth.rootKeyId, callerIp);
        if (retryAfter > 0) {
          return apiErrorReply(
            "TOO_MANY_REQUESTS",
            "Too many unknown keys from this caller; try again later.",
            undefined,
            { "retry-after": String(retryAfter) },
          );
        }
        return andThen(readJsonBodyFrom(request, verifyBodySchema), (body) => {
          if (!body.ok) return body.reply;
          const ctx = { tenantId: auth.tenantId, rootKeyId: auth.rootKeyId };
          return andThen(verifyKeyNow(body.data, ctx), (result) => {
            if (result.code === "NOT_FOUND") countNotFound(auth.rootKeyId, callerIp);
            return okReply(result);
          });
        });
      }),
    unavailable,
  );
}
