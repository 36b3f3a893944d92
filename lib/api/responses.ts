import "server-only";
import type { z } from "zod";
import { type ApiReply, jsonReply, toResponse } from "./exchange";

// The answers of every /api/v1 route: JSON, never cached, and errors in one shape — a
// stable machine-readable code, a sentence a person can act on, and for 400s the
// fields that were wrong. The *Reply functions build server-neutral answers (see
// exchange.ts); the others wrap them in a web Response for route handlers.

export type ApiErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "UNAVAILABLE"
  | "INTERNAL";

const STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function okReply(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return jsonReply(body, status, { "cache-control": "no-store", ...headers });
}

export function apiErrorReply(
  code: ApiErrorCode,
  message: string,
  fields?: Record<string, string[]>,
  headers: Record<string, string> = {},
): ApiReply {
  return okReply(
    { error: { code, message, ...(fields ? { fields } : {}) } },
    STATUS[code],
    headers,
  );
}

/** A 400 that names every field zod rejected, e.g. "budgetCents: Use a whole number…". */
export function zodErrorReply(error: z.ZodError): ApiReply {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".") || "body";
    fields[path] = [...(fields[path] ?? []), issue.message];
  }
  return fieldErrorsReply(fields);
}

/** A 400 for wrong fields, each with its messages: "q: …; keyId: …". */
export function fieldErrorsReply(fields: Record<string, string[]>): ApiReply {
  const message = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
    .join("; ");
  return apiErrorReply("BAD_REQUEST", message, fields);
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return toResponse(okReply(body, status, headers));
}

export function apiError(
  code: ApiErrorCode,
  message: string,
  fields?: Record<string, string[]>,
  headers: Record<string, string> = {},
): Response {
  return toResponse(apiErrorReply(code, message, fields, headers));
}

export function zodError(error: z.ZodError): Response {
  return toResponse(zodErrorReply(error));
}

export function fieldErrors(fields: Record<string, string[]>): Response {
  return toResponse(fieldErrorsReply(fields));
}
