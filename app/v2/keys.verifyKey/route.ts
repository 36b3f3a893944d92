import { toResponse, webApiRequest } from "@/lib/api/exchange";
import { handleVerifyKeyV2 } from "@/lib/unkey/verify-key";

// Unkey-compatible verification: services using the official SDK switch by changing
// only its serverURL. See lib/unkey/verify-key.ts for the mapping. In production
// scripts/server.mjs answers this path before Next.js's router, with the same handler.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return toResponse(await handleVerifyKeyV2(webApiRequest(request)));
}
