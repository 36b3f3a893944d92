import { handleApi } from "@/lib/api/handle";
import { readJsonObject } from "@/lib/api/http";
import { json, zodError } from "@/lib/api/responses";
import { authenticateApiRequest } from "@/lib/api/root-context";
import { rollKey } from "@/lib/keys/data";
import { rollKeySchema } from "@/lib/keys/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Issues a new secret for the same key; the old one works until the grace period ends. */
export async function POST(request: Request, { params }: { params: Promise<{ keyId: string }> }) {
  return handleApi(async () => {
    const auth = await authenticateApiRequest(request, "keys:write");
    if (!auth.ok) return auth.response;
    const body = await readJsonObject(request);
    if (!body.ok) return body.response;
    const { keyId } = await params;
    const parsed = rollKeySchema.safeParse({ ...body.data, keyId });
    if (!parsed.success) return zodError(parsed.error);
    const { key, plaintext } = await rollKey(auth.ctx, parsed.data.keyId, parsed.data.grace);
    return json({ key, plaintext });
  });
}
