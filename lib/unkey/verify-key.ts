import "server-only";
import { z } from "zod";
import { type ApiReply, type ApiRequest, andThen, guarded, type Maybe } from "@/lib/api/exchange";
import { countNotFound, VERIFY_OPTIONS } from "@/lib/api/not-found-limiter";
import { MAX_KEY_LENGTH } from "@/lib/keys/format";
import { singleLineText } from "@/lib/validation/text";
import { VerifyUnavailableError, verifyKeyNow } from "@/lib/verify/engine";
import { newRequestId } from "@/lib/verify/request-id";
import type { VerifyCode, VerifyResult } from "@/lib/verify/result";
import { PERMISSION_QUERY_MAX_LENGTH, parsePermissionQuery } from "@/lib/verify/scopes";
import { WINDOW_MS } from "@/lib/verify/windows";
import { authenticateV2From } from "./auth";
import { readV2BodyFrom } from "./body";
import { v2ErrorReply, v2OkReply } from "./envelope";

// POST /v2/keys.verifyKey on Keyplane's engine. The request and answer follow the v2
// wire contract; the checks and their order are Keyplane's (PRODUCT §4.1), with the
// codes mapped onto the contract's smaller set.

const WINDOWS = ["minute", "hour", "day"] as const;

export const verifyKeyV2Schema = z.object({
  key: singleLineText().min(1).max(MAX_KEY_LENGTH),
  tags: z.array(singleLineText().max(128)).max(20).optional(),
  permissions: singleLineText().max(PERMISSION_QUERY_MAX_LENGTH).optional(),
  credits: z.object({ cost: z.number().int().min(0) }).optional(),
  ratelimits: z
    .array(
      z.object({
        name: singleLineText().min(1).max(64),
        cost: z.number().int().min(0).optional(),
        limit: z.number().int().min(0).optional(),
        duration: z.number().int().min(1000).optional(),
      }),
    )
    .max(10)
    .optional(),
  migrationId: singleLineText().max(256).optional(),
});

const CODES: Record<VerifyCode, string> = {
  VALID: "VALID",
  NOT_FOUND: "NOT_FOUND",
  EXPIRED: "EXPIRED",
  REVOKED: "DISABLED",
  SUSPENDED: "DISABLED",
  FORBIDDEN: "FORBIDDEN",
  INSUFFICIENT_SCOPES: "INSUFFICIENT_PERMISSIONS",
  RATE_LIMITED: "RATE_LIMITED",
  USAGE_EXCEEDED: "USAGE_EXCEEDED",
};

/** The `data` of the answer: every optional field absent when empty, never null. */
export function toV2Data(result: VerifyResult): Record<string, unknown> {
  const code = CODES[result.code];
  if (result.code === "NOT_FOUND" || result.keyId === undefined)
    return { valid: false, code: "NOT_FOUND" };
  const data: Record<string, unknown> = { valid: result.valid, code, keyId: result.keyId };
  if (result.name) data.name = result.name;
  if (result.meta && typeof result.meta === "object" && !Array.isArray(result.meta))
    data.meta = result.meta;
  if (result.expiresAt) data.expires = Date.parse(result.expiresAt);
  if (result.budget) data.credits = result.budget.remainingCents;
  data.enabled = code !== "DISABLED";
  if (result.scopes && result.scopes.length > 0) data.permissions = result.scopes;
  const ratelimits = (result.ratelimits ?? []).map((window) => ({
    id: `${result.keyId}_${window.window}`,
    name: window.window,
    limit: window.limit,
    duration: WINDOW_MS[window.window as (typeof WINDOWS)[number]] ?? 0,
    remaining: window.remaining,
    reset: Date.parse(window.resetAt),
    exceeded: result.code === "RATE_LIMITED" && window.remaining === 0,
    autoApply: true,
  }));
  if (ratelimits.length > 0) data.ratelimits = ratelimits;
  return data;
}

function verifyKeyV2(request: ApiRequest, requestId: string): Maybe<ApiReply> {
  return andThen(authenticateV2From(request, requestId, "keys:verify"), (authenticated) => {
    if (!authenticated.ok) return authenticated.reply;
    const { auth } = authenticated;
    return andThen(readV2BodyFrom(request, requestId, verifyKeyV2Schema), (body) => {
      if (!body.ok) return body.reply;
      const { key, permissions, credits, ratelimits, tags } = body.data;
      // The key's limits are its minute, hour and day windows; asking for any other name
      // is the contract's "unknown rate limit" (412). All windows always apply together.
      const unknown = ratelimits?.find((r) => !(WINDOWS as readonly string[]).includes(r.name));
      if (unknown)
        return v2ErrorReply(
          request,
          requestId,
          412,
          `Rate limit "${unknown.name}" does not exist; keys have minute, hour and day.`,
        );
      let scopeQuery: ReturnType<typeof parsePermissionQuery> | undefined;
      if (permissions) {
        scopeQuery = parsePermissionQuery(permissions);
        if (!scopeQuery.ok) {
          return v2ErrorReply(request, requestId, 400, scopeQuery.error, [
            { location: "body.permissions", message: scopeQuery.error },
          ]);
        }
      }
      const verifyFailed = (error: unknown): ApiReply => {
        if (!(error instanceof VerifyUnavailableError)) {
          console.error("[v2 verify] failed:", error instanceof Error ? error.message : error);
        }
        return v2ErrorReply(request, requestId, 503, "cannot verify");
      };
      return guarded(
        () =>
          andThen(
            verifyKeyNow(
              {
                key,
                scopeQuery: scopeQuery?.ok ? scopeQuery.value : undefined,
                // The contract charges 1 credit by default; keys without a budget ignore cost.
                cost: credits?.cost ?? 1,
                // The contract sends no end-client address: the allowlist is checked
                // against the calling service's own, resolved once for this request
                // from the socket and the trusted proxies (lib/net/client-address.ts).
                ip: request.clientAddress(),
                tags,
              },
              // No reported end-client address either, so unknown keys are counted per
              // root key only (lib/api/not-found-limiter.ts).
              { tenantId: auth.tenantId, rootKeyId: auth.rootKeyId },
              VERIFY_OPTIONS,
            ),
            (result) => {
              if (result.code === "NOT_FOUND") countNotFound(auth.rootKeyId, undefined);
              return v2OkReply(requestId, toV2Data(result));
            },
          ),
        verifyFailed,
      );
    });
  });
}

/**
 * POST /v2/keys.verifyKey. Served by the route handler under `next dev` and by the
 * node:http fast path of scripts/server.mjs in production; both call this.
 */
export function handleVerifyKeyV2(request: ApiRequest): Maybe<ApiReply> {
  const requestId = newRequestId();
  return guarded(
    () => verifyKeyV2(request, requestId),
    (error) => {
      console.error("[v2 verify] failed:", error instanceof Error ? error.message : error);
      return v2ErrorReply(request, requestId, 503, "cannot verify");
    },
  );
}
