import { authenticate } from "@/lib/api/auth";
import { readJsonBody } from "@/lib/api/http";
import { countNotFound, notFoundRetryAfter } from "@/lib/api/not-found-limiter";
import { apiError, json } from "@/lib/api/responses";
import { verifyBodySchema } from "@/lib/api/schemas";
import { clientIpFrom } from "@/lib/auth/request-info";
import { VerifyUnavailableError, verifyKey } from "@/lib/verify/engine";

// The hot path: every request a customer's service receives ends up here. Cached keys
// and root keys answer without a database query; see lib/verify/engine.ts.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function unavailable(): Response {
  return apiError("UNAVAILABLE", "cannot verify", undefined, { "retry-after": "1" });
}

export async function POST(request: Request): Promise<Response> {
  try {
    const authenticated = await authenticate(request, "keys:verify");
    if (!authenticated.ok) return authenticated.response;
    const { auth } = authenticated;
    const callerIp = clientIpFrom(request.headers);
    const retryAfter = notFoundRetryAfter(auth.rootKeyId, callerIp);
    if (retryAfter > 0) {
      return apiError(
        "TOO_MANY_REQUESTS",
        "Too many unknown keys from this caller; try again later.",
        undefined,
        { "retry-after": String(retryAfter) },
      );
    }
    const body = await readJsonBody(request, verifyBodySchema);
    if (!body.ok) return body.response;
    const result = await verifyKey(body.data, {
      tenantId: auth.tenantId,
      rootKeyId: auth.rootKeyId,
    });
    if (result.code === "NOT_FOUND") countNotFound(auth.rootKeyId, callerIp);
    return json(result);
  } catch (error) {
    // Never a 500 and never a guessed answer: anything that prevented a decision
    // (database or Redis unreachable, or a bug) is "cannot verify".
    if (!(error instanceof VerifyUnavailableError)) {
      console.error("[verify] failed:", error instanceof Error ? error.message : error);
    }
    return unavailable();
  }
}
