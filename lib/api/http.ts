import "server-only";
import type { z } from "zod";
import {
  type ApiReply,
  type ApiRequest,
  type Maybe,
  andThen,
  toResponse,
  webApiRequest,
} from "./exchange";
import { apiErrorReply, zodErrorReply } from "./responses";

/** Bodies larger than this are refused before parsing (API bodies are small). */
export const MAX_BODY_BYTES = 16 * 1024;

type Read<T> = { ok: true; data: T } | { ok: false; response: Response };
type ReadReply<T> = { ok: true; data: T } | { ok: false; reply: ApiReply };

const tooLarge = () =>
  apiErrorReply("BAD_REQUEST", `body: larger than ${MAX_BODY_BYTES} bytes`, {
    body: [`larger than ${MAX_BODY_BYTES} bytes`],
  });

const badBody = (message: string) =>
  apiErrorReply("BAD_REQUEST", `body: ${message}`, { body: [message] });

/**
 * Reads a JSON object body. The declared Content-Length is checked first (cheap
 * refusal), then the bytes actually read, because the header can be absent or lie
 * (chunked uploads). The body is read incrementally and abandoned as soon as it
 * passes the limit, so an oversized body is never buffered whole.
 */
export function readJsonObjectFrom(request: ApiRequest): Maybe<ReadReply<Record<string, unknown>>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES)
    return { ok: false, reply: tooLarge() };
  return andThen(request.readBody(MAX_BODY_BYTES), parseJsonObject);
}

function parseJsonObject(bytes: Uint8Array | null): ReadReply<Record<string, unknown>> {
  if (bytes === null) return { ok: false, reply: tooLarge() };
  let raw: unknown;
  try {
    raw = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
    );
  } catch {
    return { ok: false, reply: badBody("not valid JSON") };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, reply: badBody("must be a JSON object") };
  }
  return { ok: true, data: raw as Record<string, unknown> };
}

/** Reads a JSON body and validates it; a 400 names every wrong field. */
export function readJsonBodyFrom<S extends z.ZodType>(
  request: ApiRequest,
  schema: S,
): Maybe<ReadReply<z.output<S>>> {
  return andThen(readJsonObjectFrom(request), (body): ReadReply<z.output<S>> => {
    if (!body.ok) return body;
    const result = schema.safeParse(body.data);
    if (!result.success) return { ok: false, reply: zodErrorReply(result.error) };
    return { ok: true, data: result.data };
  });
}

function asResponse<T>(read: ReadReply<T>): Read<T> {
  return read.ok ? read : { ok: false, response: toResponse(read.reply) };
}

/** readJsonObjectFrom for a route handler's web Request. */
export async function readJsonObject(request: Request): Promise<Read<Record<string, unknown>>> {
  return asResponse(await readJsonObjectFrom(webApiRequest(request)));
}

/** readJsonBodyFrom for a route handler's web Request. */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<Read<z.output<S>>> {
  return asResponse(await readJsonBodyFrom(webApiRequest(request), schema));
}
