import "server-only";
import type { z } from "zod";
import { apiError, zodError } from "./responses";

/** Bodies larger than this are refused before parsing (API bodies are small). */
export const MAX_BODY_BYTES = 16 * 1024;

type Read<T> = { ok: true; data: T } | { ok: false; response: Response };

const tooLarge = () =>
  apiError("BAD_REQUEST", `body: larger than ${MAX_BODY_BYTES} bytes`, {
    body: [`larger than ${MAX_BODY_BYTES} bytes`],
  });

const badBody = (message: string) =>
  apiError("BAD_REQUEST", `body: ${message}`, { body: [message] });

/**
 * Reads a JSON object body. The declared Content-Length is checked first (cheap
 * refusal), then the bytes actually read, because the header can be absent or lie
 * (chunked uploads). The stream is read incrementally and abandoned as soon as it
 * passes the limit, so an oversized body is never buffered whole.
 */
export async function readJsonObject(request: Request): Promise<Read<Record<string, unknown>>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES)
    return { ok: false, response: tooLarge() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        return { ok: false, response: tooLarge() };
      }
      chunks.push(value);
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return { ok: false, response: badBody("not valid JSON") };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, response: badBody("must be a JSON object") };
  }
  return { ok: true, data: raw as Record<string, unknown> };
}

/** Reads a JSON body and validates it; a 400 names every wrong field. */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<Read<z.output<S>>> {
  const body = await readJsonObject(request);
  if (!body.ok) return body;
  const result = schema.safeParse(body.data);
  if (!result.success) return { ok: false, response: zodError(result.error) };
  return { ok: true, data: result.data };
}
