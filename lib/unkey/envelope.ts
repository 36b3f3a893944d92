import "server-only";
import { randomUUID } from "node:crypto";

// The response envelope of the Unkey-compatible v2 routes: `{meta: {requestId}, data}`
// on success and `{meta, error: {title, detail, status, type}}` otherwise. Optional
// fields are left out rather than set to null, which the official SDK rejects.

export function newRequestId(): string {
  return `req_${randomUUID().replaceAll("-", "")}`;
}

export function v2Ok(requestId: string, data: Record<string, unknown>): Response {
  return Response.json({ meta: { requestId }, data }, { headers: { "cache-control": "no-store" } });
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
export function v2Error(
  request: Request,
  requestId: string,
  status: number,
  detail: string,
  errors?: V2ErrorLocation[],
): Response {
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
  return new Response(JSON.stringify({ meta: { requestId }, error }), {
    status,
    headers: { "content-type": contentType, "cache-control": "no-store" },
  });
}
