import "server-only";
import type { TenantContext } from "@/lib/auth/context";
import { getKey } from "@/lib/keys/data";
import { handleApi } from "./handle";
import { json } from "./responses";
import { authenticateApiRequest } from "./root-context";

type Params = { params: Promise<{ keyId: string }> };

/** A POST route that applies one bodiless lifecycle change (suspend, reactivate). */
export function keyLifecycleRoute(change: (ctx: TenantContext, keyId: string) => Promise<unknown>) {
  return (request: Request, { params }: Params) =>
    handleApi(async () => {
      const auth = await authenticateApiRequest(request, "keys:write");
      if (!auth.ok) return auth.response;
      const { keyId } = await params;
      await change(auth.ctx, keyId);
      return json({ key: await getKey(auth.ctx, keyId) });
    });
}
