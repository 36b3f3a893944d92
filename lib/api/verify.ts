import "server-only";
import { countNotFound, VERIFY_OPTIONS } from "@/lib/api/not-found-limiter";
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
        return andThen(readJsonBodyFrom(request, verifyBodySchema), (body) => {
          if (!body.ok) return body.reply;
          // Unknown keys are counted per root key and per end-client `ip` it reports,
          // never per transport address (lib/api/not-found-limiter.ts); nothing here
          // needs the caller's own address.
          const ip = body.data.ip;
          const ctx = { tenantId: auth.tenantId, rootKeyId: auth.rootKeyId, reportedIp: ip };
          return andThen(verifyKeyNow(body.data, ctx, VERIFY_OPTIONS), (result) => {
            if (result.code === "NOT_FOUND") countNotFound(auth.rootKeyId, ip);
            return okReply(result);
          });
        });
      }),
    unavailable,
  );
}
