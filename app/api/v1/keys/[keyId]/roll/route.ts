import { readJsonBody } from "@/lib/api/body";
import { handleApi } from "@/lib/api/handle";
import { zodError } from "@/lib/api/responses";
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
    const body = await readJsonBody(request);
    if (!body.ok) return body.response;
    const { keyId } = await params;
    const parsed = rollKeySchema.safeParse({ ...body.value, keyId });
    if (!parsed.success) return zodError(parsed.error);
    const { key, plaintext } = await rollKey(auth.ctx, parsed.data.keyId, parsed.data.grace);
    return Response.json({ key, plaintext }, { headers: { "Cache-Control": "no-store" } });
  });
}
