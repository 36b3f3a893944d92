"use server";

import { tenantAction } from "@/lib/auth/action";
import { createRootKey, revokeRootKey } from "./data";
import { createRootKeySchema, rootKeyIdSchema } from "./schemas";

/** data.plaintext is the root key, to be shown once. */
export const createRootKeyAction = tenantAction(
  { permission: "rootkeys:manage", schema: createRootKeySchema },
  async (ctx, input) => {
    const { plaintext, rootKey } = await createRootKey(ctx, input);
    return {
      message: "Root key created. Copy it now: it will not be shown again.",
      data: { plaintext, rootKeyId: rootKey.id },
      revalidate: ["/settings"],
    };
  },
);

export const revokeRootKeyAction = tenantAction(
  { permission: "rootkeys:manage", schema: rootKeyIdSchema },
  async (ctx, input) => {
    await revokeRootKey(ctx, input.rootKeyId);
    return { message: "Root key revoked.", revalidate: ["/settings"] };
  },
);
