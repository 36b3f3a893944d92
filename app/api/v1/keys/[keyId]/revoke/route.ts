import { handleApi } from "@/lib/api/handle";
import { readJsonObject } from "@/lib/api/http";
import { json, zodError } from "@/lib/api/responses";
import { authenticateApiRequest } from "@/lib/api/root-context";
import { getKey, revokeKey } from "@/lib/keys/data";
import { revokeKeySchema } from "@/lib/keys/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Revokes the key for good; verification fails from the next call. */
export async function POST(request: Request, { params }: { params: Promise<{ keyId: string }> }) {
  return handleApi(async () => {
    const auth = await authenticateApiRequest(request, "keys:write");
    if (!auth.ok) return auth.response;
    const body = await readJsonObject(request);
    if (!body.ok) return body.response;
    const { keyId } = await params;
    const parsed = revokeKeySchema.safeParse({ ...body.data, keyId });
    if (!parsed.success) return zodError(parsed.error);
    await revokeKey(auth.ctx, parsed.data.keyId, parsed.data.reason);
    return json({ key: await getKey(auth.ctx, parsed.data.keyId) });
  });
}
