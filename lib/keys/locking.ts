import "server-only";
import { NotFoundError } from "@/lib/auth/errors";
import { type DbClient, KEY_NOT_FOUND, type KeyDetailRow, keyDetailSelect } from "./detail";

/**
 * Locks the key's row for the rest of the transaction, so two concurrent changes to one
 * key are applied one after the other and each audit entry's "before" is what really was
 * there. The tenant is part of the lookup: another tenant's id is simply not found.
 */
export async function lockKey(
  tx: DbClient,
  tenantId: string,
  keyId: string,
): Promise<KeyDetailRow & { hash: string }> {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "ApiKey" WHERE "id" = ${keyId} AND "tenantId" = ${tenantId} FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError(KEY_NOT_FOUND);
  const key = await tx.apiKey.findFirst({
    where: { id: keyId, tenantId },
    select: { ...keyDetailSelect, hash: true },
  });
  if (!key) throw new NotFoundError(KEY_NOT_FOUND);
  return key;
}

/**
 * The rolled-away secrets of these keys that are still inside their grace period, by key
 * id. With each key's current hash, these are the hashes whose cached verification
 * answer a change to the key makes stale.
 */
export async function liveSecretHashes(
  tx: DbClient,
  tenantId: string,
  keyIds: readonly string[],
  now: Date,
): Promise<Map<string, string[]>> {
  const retired = await tx.retiredSecret.findMany({
    where: { tenantId, keyId: { in: [...keyIds] }, graceEndsAt: { gt: now } },
    select: { keyId: true, hash: true },
  });
  const byKey = new Map<string, string[]>();
  for (const { keyId, hash } of retired) byKey.set(keyId, [...(byKey.get(keyId) ?? []), hash]);
  return byKey;
}
