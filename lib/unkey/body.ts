import "server-only";
import type { z } from "zod";
import { readJsonObject } from "@/lib/api/http";
import { v2Error } from "./envelope";

/** Reads and validates a v2 body; a 400 lists each wrong field as `body.<path>`. */
export async function readV2Body<S extends z.ZodType>(
  request: Request,
  requestId: string,
  schema: S,
): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  const body = await readJsonObject(request);
  if (!body.ok) {
    const detail = "The request body must be a JSON object of at most 16 KB.";
    return {
      ok: false,
      response: v2Error(request, requestId, 400, detail, [{ location: "body", message: detail }]),
    };
  }
  const parsed = schema.safeParse(body.data);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      location: ["body", ...issue.path.map(String)].join("."),
      message: issue.message,
    }));
    const detail = errors.map((e) => `${e.location}: ${e.message}`).join("; ");
    return { ok: false, response: v2Error(request, requestId, 400, detail, errors) };
  }
  return { ok: true, data: parsed.data };
}
