import { toResponse, webApiRequest } from "@/lib/api/exchange";
import { handleVerify } from "@/lib/api/verify";

// The hot path. In production scripts/server.mjs answers this path before Next.js's
// router (same handler, lib/api/verify.ts); this route serves it under `next dev` and
// when the fast path is switched off.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return toResponse(await handleVerify(webApiRequest(request)));
}
