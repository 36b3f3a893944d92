import { handleApi } from "@/lib/api/handle";
import { readJsonObject } from "@/lib/api/http";
import { json, zodError } from "@/lib/api/responses";
import { authenticateApiRequest } from "@/lib/api/root-context";
import { getKey, updateKey } from "@/lib/keys/data";
import { updateKeySchema } from "@/lib/keys/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Params = { params: Promise<{ keyId: string }> };

export async function GET(request: Request, { params }: Params) {
  return handleApi(async () => {
    const auth = await authenticateApiRequest(request, "keys:read");
    if (!auth.ok) return auth.response;
    const { keyId } = await params;
    return json({ key: await getKey(auth.ctx, keyId) });
  });
}

/** Changes any of the key's settings; absent fields stay as they are. */
export async function PATCH(request: Request, { params }: Params) {
  return handleApi(async () => {
    const auth = await authenticateApiRequest(request, "keys:write");
    if (!auth.ok) return auth.response;
    const body = await readJsonObject(request);
    if (!body.ok) return body.response;
    const { keyId } = await params;
    const parsed = updateKeySchema.safeParse({ ...body.data, keyId });
    if (!parsed.success) return zodError(parsed.error);
    return json({ key: await updateKey(auth.ctx, parsed.data) });
  });
}
