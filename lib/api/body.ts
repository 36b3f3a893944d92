import "server-only";
import { apiError } from "./responses";

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON object body of at most MAX_BODY_BYTES. The size is checked on the bytes
 * actually read, not only the Content-Length header, which a client may omit or get wrong.
 */
export async function readJsonBody(
  request: Request,
): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; response: Response }> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    return {
      ok: false,
      response: apiError("BAD_REQUEST", `body: larger than ${MAX_BODY_BYTES} bytes.`),
    };
  }
  let text: string;
  try {
    const buffer = await request.arrayBuffer();
    if (buffer.byteLength > MAX_BODY_BYTES) {
      return {
        ok: false,
        response: apiError("BAD_REQUEST", `body: larger than ${MAX_BODY_BYTES} bytes.`),
      };
    }
    text = new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    return {
      ok: false,
      response: apiError("BAD_REQUEST", "body: could not be read as UTF-8 text."),
    };
  }
  if (text.trim() === "")
    return { ok: false, response: apiError("BAD_REQUEST", "body: a JSON object is required.") };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, response: apiError("BAD_REQUEST", "body: not valid JSON.") };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, response: apiError("BAD_REQUEST", "body: must be a JSON object.") };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
