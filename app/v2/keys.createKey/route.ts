import { handleCreateKeyV2 } from "@/lib/unkey/create-key";
import { v2Error } from "@/lib/unkey/envelope";
import { newRequestId } from "@/lib/verify/request-id";

// Unkey-compatible key creation; the response is the only time the plaintext is sent.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const requestId = newRequestId();
  try {
    return await handleCreateKeyV2(request, requestId);
  } catch (error) {
    console.error("[v2 createKey] failed:", error instanceof Error ? error.message : error);
    return v2Error(
      request,
      requestId,
      500,
      "Something went wrong on our side. Nothing was created.",
    );
  }
}
