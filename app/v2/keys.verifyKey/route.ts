import { newRequestId, v2Error } from "@/lib/unkey/envelope";
import { handleVerifyKeyV2 } from "@/lib/unkey/verify-key";

// Unkey-compatible verification: services using the official SDK switch by changing
// only its serverURL. See lib/unkey/verify-key.ts for the mapping.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const requestId = newRequestId();
  try {
    return await handleVerifyKeyV2(request, requestId);
  } catch (error) {
    console.error("[v2 verify] failed:", error instanceof Error ? error.message : error);
    return v2Error(request, requestId, 503, "cannot verify");
  }
}
