import { keyBodyRoute } from "@/lib/api/key-lifecycle-route";
import { json } from "@/lib/api/responses";
import { getKey, revokeKey } from "@/lib/keys/data";
import { revokeKeySchema } from "@/lib/keys/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Revokes the key for good; verification fails from the next call. */
export const POST = keyBodyRoute(revokeKeySchema, async (ctx, input) => {
  await revokeKey(ctx, input.keyId, input.reason);
  return json({ key: await getKey(ctx, input.keyId) });
});
