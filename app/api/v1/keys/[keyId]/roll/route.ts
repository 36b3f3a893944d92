import { keyBodyRoute } from "@/lib/api/key-lifecycle-route";
import { json } from "@/lib/api/responses";
import { rollKey } from "@/lib/keys/data";
import { rollKeySchema } from "@/lib/keys/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Issues a new secret for the same key; the old one works until the grace period ends. */
export const POST = keyBodyRoute(rollKeySchema, async (ctx, input) => {
  const { key, plaintext } = await rollKey(ctx, input.keyId, input.grace);
  return json({ key, plaintext });
});
