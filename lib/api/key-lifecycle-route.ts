import "server-only";
import type { z } from "zod";
import type { TenantContext } from "@/lib/auth/context";
import { getKey } from "@/lib/keys/data";
import { handleApi } from "./handle";
import { readJsonObject } from "./http";
import { json, zodError } from "./responses";
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

/**
 * A route that changes one key from a JSON body: the key id comes from the path and is
 * validated with the body by the same zod schema the dashboard's action uses.
 */
export function keyBodyRoute<S extends z.ZodType>(
  schema: S,
  run: (ctx: TenantContext, input: z.output<S>) => Promise<Response>,
) {
  return (request: Request, { params }: Params) =>
    handleApi(async () => {
      const auth = await authenticateApiRequest(request, "keys:write");
      if (!auth.ok) return auth.response;
      const body = await readJsonObject(request);
      if (!body.ok) return body.response;
      const { keyId } = await params;
      const parsed = schema.safeParse({ ...body.data, keyId });
      if (!parsed.success) return zodError(parsed.error);
      return run(auth.ctx, parsed.data);
    });
}
