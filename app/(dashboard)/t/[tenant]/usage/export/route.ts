import { loadTenantContext } from "@/lib/auth/session";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "@/lib/auth/errors";
import { isConnectionError } from "@/lib/db/errors";
import { exportUsageCsv } from "./usage-csv";

function text(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

function unavailable(): Response {
  const response = text(503, "The database cannot be reached. Try again in a moment.");
  response.headers.set("retry-after", "1");
  return response;
}

/**
 * GET /t/{tenant}/usage/export?chart=…&range=…|from=…&to=…[&key=…]: the CSV of what a
 * usage chart shows. The tenant comes from the signed-in user's membership, exactly as
 * for the pages; someone who is not a member gets the same 404 as for a tenant that does
 * not exist, and no data.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ tenant: string }> },
): Promise<Response> {
  const { tenant } = await params;
  let ctx: Awaited<ReturnType<typeof loadTenantContext>>;
  try {
    ctx = await loadTenantContext(tenant);
  } catch (error) {
    if (error instanceof UnauthenticatedError) return text(401, "Sign in to export usage.");
    if (error instanceof NotFoundError) return text(404, "Not found.");
    if (isConnectionError(error)) return unavailable();
    throw error;
  }
  let result: Awaited<ReturnType<typeof exportUsageCsv>>;
  try {
    result = await exportUsageCsv(ctx, new URL(request.url).searchParams);
  } catch (error) {
    if (error instanceof ForbiddenError) return text(403, error.message);
    if (error instanceof NotFoundError) return text(404, "Not found.");
    if (isConnectionError(error)) return unavailable();
    throw error;
  }
  if (!result.ok) return text(result.status, result.message);
  return new Response(result.body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${result.filename}"`,
      "cache-control": "private, no-store",
    },
  });
}
