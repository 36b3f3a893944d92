import "server-only";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/auth/errors";
import { isConnectionError } from "@/lib/db/errors";
import { apiError } from "./responses";

/**
 * Runs a route body and turns the data-access layer's errors into API answers. Nothing
 * reaches the client as a bare 500 with a stack trace.
 */
export async function handleApi(body: () => Promise<Response>): Promise<Response> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ValidationError) {
      const field = error.field ?? "body";
      return apiError("BAD_REQUEST", `${field}: ${error.message}`, { [field]: [error.message] });
    }
    if (error instanceof NotFoundError) return apiError("NOT_FOUND", error.message);
    if (error instanceof ForbiddenError) return apiError("FORBIDDEN", error.message);
    if (isConnectionError(error)) {
      return apiError(
        "UNAVAILABLE",
        "The database cannot be reached. Try again shortly; nothing was changed.",
        undefined,
        { "retry-after": "1" },
      );
    }
    console.error("[api] unexpected error:", error instanceof Error ? error.message : error);
    return apiError("INTERNAL", "Something went wrong on our side. Nothing was changed.");
  }
}
