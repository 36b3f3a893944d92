import { handleApi } from "@/lib/api/handle";
import { type KeyParams, keyBodyRoute, keyIdFromPath } from "@/lib/api/key-lifecycle-route";
import { json } from "@/lib/api/responses";
import { authenticateApiRequest } from "@/lib/api/root-context";
import { getKey, updateKey } from "@/lib/keys/data";
import { updateKeySchema } from "@/lib/keys/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: KeyParams) {
  return handleApi(async () => {
    const auth = await authenticateApiRequest(request, "keys:read");
    if (!auth.ok) return auth.response;
    const path = await keyIdFromPath(params);
    if (!path.ok) return path.response;
    return json({ key: await getKey(auth.ctx, path.keyId) });
  });
}

/** Changes any of the key's settings; absent fields stay as they are. */
export const PATCH = keyBodyRoute(updateKeySchema, async (ctx, input) =>
  json({ key: await updateKey(ctx, input) }),
);
