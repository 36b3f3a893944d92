import { handleCreateKeyV2 } from "@/lib/unkey/create-key";
import { v2UnexpectedError } from "@/lib/unkey/envelope";
import { newRequestId } from "@/lib/verify/request-id";

// Unkey-compatible key creation; the response is the only time the plaintext is sent.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const requestId = newRequestId();
  try {
    return await handleCreateKeyV2(request, requestId);
  } catch (error) {
    return v2UnexpectedError(request, requestId, error, "createKey");
  }
}
