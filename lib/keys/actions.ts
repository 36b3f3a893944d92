"use server";

import { tenantAction } from "@/lib/auth/action";
import {
  bulkUpdateKeys,
  createKey,
  reactivateKey,
  revokeKey,
  rollKey,
  suspendKey,
  updateKey,
} from "./data";
import {
  bulkSchema,
  createKeySchema,
  keyIdSchema,
  revokeKeySchema,
  rollKeySchema,
  updateKeySchema,
} from "./schemas";

// One server action per verb, each a thin wrapper: tenantAction authenticates, resolves
// the tenant from the membership, checks the role and parses the input; the DAL checks
// the role again and does the work. Every form also sends a `tenant` field (the slug).

function keyPaths(keyId: string): string[] {
  return ["/keys", `/keys/${keyId}`];
}

/** data.plaintext is the new key, to be shown once and never stored by the page. */
export const createKeyAction = tenantAction(
  { permission: "keys:write", schema: createKeySchema },
  async (ctx, input) => {
    const { key, plaintext } = await createKey(ctx, input);
    return {
      message: "Key created. Copy it now: it will not be shown again.",
      data: { plaintext, keyId: key.id },
      revalidate: ["/keys"],
    };
  },
);

export const updateKeyAction = tenantAction(
  { permission: "keys:write", schema: updateKeySchema },
  async (ctx, input) => {
    await updateKey(ctx, input);
    return { message: "Key updated.", revalidate: keyPaths(input.keyId) };
  },
);

export const revokeKeyAction = tenantAction(
  { permission: "keys:write", schema: revokeKeySchema },
  async (ctx, input) => {
    await revokeKey(ctx, input.keyId, input.reason);
    return { message: "Key revoked.", revalidate: keyPaths(input.keyId) };
  },
);

export const suspendKeyAction = tenantAction(
  { permission: "keys:write", schema: keyIdSchema },
  async (ctx, input) => {
    await suspendKey(ctx, input.keyId);
    return { message: "Key suspended.", revalidate: keyPaths(input.keyId) };
  },
);

export const reactivateKeyAction = tenantAction(
  { permission: "keys:write", schema: keyIdSchema },
  async (ctx, input) => {
    await reactivateKey(ctx, input.keyId);
    return { message: "Key reactivated.", revalidate: keyPaths(input.keyId) };
  },
);

/** data.plaintext is the new secret, to be shown once. */
export const rollKeyAction = tenantAction(
  { permission: "keys:write", schema: rollKeySchema },
  async (ctx, input) => {
    const { plaintext, key } = await rollKey(ctx, input.keyId, input.grace);
    return {
      message: "New secret issued. Copy it now: it will not be shown again.",
      data: { plaintext, keyId: key.id },
      revalidate: keyPaths(input.keyId),
    };
  },
);

export const bulkKeysAction = tenantAction(
  { permission: "keys:write", schema: bulkSchema },
  async (ctx, input) => {
    const result = await bulkUpdateKeys(ctx, input.keyIds, input.action, input.reason);
    const verb = input.action === "revoke" ? "Revoked" : "Suspended";
    const skipped = result.skipped.length ? `, skipped ${result.skipped.length}` : "";
    return {
      message: `${verb} ${result.succeeded.length} of ${input.keyIds.length} keys${skipped}.`,
      data: result,
      revalidate: ["/keys", ...result.succeeded.map((id) => `/keys/${id}`)],
    };
  },
);
