import { keyLifecycleRoute } from "@/lib/api/key-lifecycle-route";
import { suspendKey } from "@/lib/keys/data";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = keyLifecycleRoute(suspendKey);
