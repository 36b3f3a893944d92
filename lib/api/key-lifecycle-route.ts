import "server-only";
import type { z } from "zod";
import type { TenantContext } from "@/lib/auth/context";
import { getKey } from "@/lib/keys/data";
import { keyIdField } from "@/lib/keys/schemas";
import { handleApi } from "./handle";
import { readJsonObject } from "./http";
import { fieldErrors, json, zodError } from "./responses";
import { authenticateApiRequest } from "./root-context";

export type KeyParams = { params: Promise<{ keyId: string }> };

/**
 * The key id from the path, or a 400 naming `keyId`. A path segment is whatever the
 * client put in the URL (`%00`, a lone surrogate, 300 characters); only an id of a key's
 * shape reaches the database, and a well-formed id that names no key of this tenant is
 * the data layer's 404.
 */
export async function keyIdFromPath(
  params: KeyParams["params"],
): Promise<{ ok: true; keyId: string } | { ok: false; response: Response }> {
  const { keyId } = await params;
  const parsed = keyIdField.safeParse(keyId);
  if (parsed.success) return { ok: true, keyId: parsed.data };
  return {
    ok: false,
    response: fieldErrors({ keyId: parsed.error.issues.map((issue) => issue.message) }),
  };
}

/** A POST route that applies one bodiless lifecycle change (suspend, reactivate). */
export function keyLifecycleRoute(change: (ctx: TenantContext, keyId: string) => Promise<unknown>) {
  return (request: Request, { params }: KeyParams) =>
    handleApi(async () => {
      const auth = await authenticateApiRequest(request, "keys:write");
      if (!auth.ok) return auth.response;
      const path = await keyIdFromPath(params);
      if (!path.ok) return path.response;
      await change(auth.ctx, path.keyId);
      return json({ key: await getKey(auth.ctx, path.keyId) });
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
  return (request: Request, { params }: KeyParams) =>
    handleApi(async () => {
      const auth = await authenticateApiRequest(request, "keys:write");
      if (!auth.ok) return auth.response;
      const path = await keyIdFromPath(params);
      if (!path.ok) return path.response;
      const body = await readJsonObject(request);
      if (!body.ok) return body.response;
      const parsed = schema.safeParse({ ...body.data, keyId: path.keyId });
      if (!parsed.success) return zodError(parsed.error);
      return run(auth.ctx, parsed.data);
    });
}
