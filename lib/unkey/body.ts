import "server-only";
import type { z } from "zod";
import {
  type ApiReply,
  type ApiRequest,
  type Maybe,
  andThen,
  toResponse,
  webApiRequest,
} from "@/lib/api/exchange";
import { readJsonObjectFrom } from "@/lib/api/http";
import { v2ErrorReply } from "./envelope";

type ReadReply<T> = { ok: true; data: T } | { ok: false; reply: ApiReply };

/** Reads and validates a v2 body; a 400 lists each wrong field as `body.<path>`. */
export function readV2BodyFrom<S extends z.ZodType>(
  request: ApiRequest,
  requestId: string,
  schema: S,
): Maybe<ReadReply<z.output<S>>> {
  return andThen(readJsonObjectFrom(request), (body) =>
    validated(request, requestId, schema, body),
  );
}

function validated<S extends z.ZodType>(
  request: ApiRequest,
  requestId: string,
  schema: S,
  body: ReadReply<Record<string, unknown>>,
): ReadReply<z.output<S>> {
  if (!body.ok) {
    const detail = "The request body must be a JSON object of at most 16 KB.";
    return {
      ok: false,
      reply: v2ErrorReply(request, requestId, 400, detail, [{ location: "body", message: detail }]),
    };
  }
  const parsed = schema.safeParse(body.data);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      location: ["body", ...issue.path.map(String)].join("."),
      message: issue.message,
    }));
    const detail = errors.map((e) => `${e.location}: ${e.message}`).join("; ");
    return { ok: false, reply: v2ErrorReply(request, requestId, 400, detail, errors) };
  }
  return { ok: true, data: parsed.data };
}

/** readV2BodyFrom for a route handler's web Request. */
export async function readV2Body<S extends z.ZodType>(
  request: Request,
  requestId: string,
  schema: S,
): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  const result = await readV2BodyFrom(webApiRequest(request), requestId, schema);
  return result.ok ? result : { ok: false, response: toResponse(result.reply) };
}
