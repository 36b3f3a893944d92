import "server-only";
import { type ApiReply, jsonReply, toResponse } from "@/lib/api/exchange";
import { isConnectionError } from "@/lib/db/errors";

// The response envelope of the Unkey-compatible v2 routes: `{meta: {requestId}, data}`
// on success and `{meta, error: {title, detail, status, type}}` otherwise. Optional
// fields are left out rather than set to null, which the official SDK rejects. The
// *Reply functions build server-neutral answers (lib/api/exchange.ts); the others wrap
// them in a web Response for route handlers.

type HeaderSource = { headers: { get(name: string): string | null } };

export function v2OkReply(requestId: string, data: Record<string, unknown>): ApiReply {
  return jsonReply({ meta: { requestId }, data }, 200, { "cache-control": "no-store" });
}

export function v2Ok(requestId: string, data: Record<string, unknown>): Response {
  return toResponse(v2OkReply(requestId, data));
}

export type V2ErrorLocation = { location: string; message: string; fix?: string };

const TITLES: Record<number, [title: string, slug: string]> = {
  400: ["Bad Request", "bad_request"],
  401: ["Unauthorized", "unauthorized"],
  403: ["Forbidden", "forbidden"],
  404: ["Not Found", "not_found"],
  412: ["Precondition Failed", "precondition_failed"],
  429: ["Too Many Requests", "too_many_requests"],
  500: ["Internal Server Error", "internal_server_error"],
  503: ["Service Unavailable", "service_unavailable"],
};

/**
 * An error in the v2 shape. `type` is a URL naming the error kind; 400s also list the
 * offending locations (the SDK requires the array). Served as application/problem+json
 * when the client accepts it, application/json otherwise.
 */
export function v2ErrorReply(
  request: HeaderSource,
  requestId: string,
  status: number,
  detail: string,
  errors?: V2ErrorLocation[],
): ApiReply {
  const [title, slug] = TITLES[status] ?? ["Error", "error"];
  const error: Record<string, unknown> = {
    title,
    detail,
    status,
    // A URI reference naming the error kind, relative to this server.
    type: `/errors/${slug}`,
  };
  if (status === 400) error.errors = errors ?? [{ location: "body", message: detail }];
  const accept = request.headers.get("accept") ?? "";
  const contentType = accept.includes("application/problem+json")
    ? "application/problem+json"
    : "application/json";
  return {
    status,
    headers: { "content-type": contentType, "cache-control": "no-store" },
    body: JSON.stringify({ meta: { requestId }, error }),
  };
}

export function v2Error(
  request: HeaderSource,
  requestId: string,
  status: number,
  detail: string,
  errors?: V2ErrorLocation[],
): Response {
  return toResponse(v2ErrorReply(request, requestId, status, detail, errors));
}

/**
 * The answer for an exception a v2 route did not turn into an answer itself: 503 when
 * the database cannot be reached (the client may retry; nothing was done), else 500,
 * logged without the request. The one place the v2 routes translate unexpected errors.
 */
export function v2UnexpectedError(
  request: HeaderSource,
  requestId: string,
  error: unknown,
  what: string,
): Response {
  if (isConnectionError(error)) {
    const reply = v2ErrorReply(
      request,
      requestId,
      503,
      "The database cannot be reached. Try again shortly; nothing was changed.",
    );
    return toResponse({ ...reply, headers: { ...reply.headers, "retry-after": "1" } });
  }
  console.error(`[v2 ${what}] failed:`, error instanceof Error ? error.message : error);
  return v2Error(request, requestId, 500, "Something went wrong on our side. Nothing was changed.");
}
