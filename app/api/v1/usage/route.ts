import { authenticate } from "@/lib/api/auth";
import { readJsonBody } from "@/lib/api/http";
import { apiError, json } from "@/lib/api/responses";
import { usageBodySchema } from "@/lib/api/schemas";
import { recordUsageReport, UsageReportError } from "@/lib/usage/report";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Reports actual usage; the same requestId counts once (`recorded: false` after that). */
export async function POST(request: Request): Promise<Response> {
  try {
    const authenticated = await authenticate(request, "usage:write");
    if (!authenticated.ok) return authenticated.response;
    const body = await readJsonBody(request, usageBodySchema);
    if (!body.ok) return body.response;
    const result = await recordUsageReport({ tenantId: authenticated.auth.tenantId }, body.data);
    return json(result);
  } catch (error) {
    if (error instanceof UsageReportError) {
      const code = error.status === 404 ? "NOT_FOUND" : "BAD_REQUEST";
      return apiError(code, error.message, { [error.field]: [error.message] });
    }
    console.error("[usage] report failed:", error instanceof Error ? error.message : error);
    return apiError("UNAVAILABLE", "cannot record usage", undefined, { "retry-after": "1" });
  }
}
