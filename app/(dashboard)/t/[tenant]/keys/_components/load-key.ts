import "server-only";
import { notFound } from "next/navigation";
import type { TenantContext } from "@/lib/auth/context";
import { NotFoundError } from "@/lib/auth/errors";
import { getKey } from "@/lib/keys/data";
import type { KeyDetail } from "@/lib/keys/dto";

/** The key for a page, or the 404 page when it is not in this tenant. */
export async function loadKeyOr404(ctx: TenantContext, keyId: string): Promise<KeyDetail> {
  try {
    return await getKey(ctx, keyId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}
