import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import {
  deriveKeyStatus,
  displayKeyParts,
  type JsonObject,
  type KeyActorRef,
  type KeyDetail,
  toKeyBudget,
} from "./dto";

export type DbClient = Prisma.TransactionClient;

/** Same words for a missing key and another tenant's key: existence must not leak. */
export const KEY_NOT_FOUND = "Key not found.";

/** Every column the detail page shows. The hash is deliberately not selected. */
export const keyDetailSelect = {
  id: true,
  name: true,
  description: true,
  start: true,
  last4: true,
  status: true,
  scopes: true,
  tags: true,
  expiresAt: true,
  rateLimitPerMinute: true,
  rateLimitPerHour: true,
  rateLimitPerDay: true,
  budgetCents: true,
  budgetPeriod: true,
  budgetSpentCents: true,
  budgetPeriodStart: true,
  ipAllowlist: true,
  allowedEndpoints: true,
  allowedResources: true,
  metadata: true,
  lastUsedAt: true,
  suspendedAt: true,
  revokedAt: true,
  revokedReason: true,
  revokedById: true,
  rolledAt: true,
  createdAt: true,
  updatedAt: true,
  createdByUserId: true,
  createdByRootKeyId: true,
} satisfies Prisma.ApiKeySelect;

export type KeyDetailRow = Prisma.ApiKeyGetPayload<{ select: typeof keyDetailSelect }>;

function asJsonObject(value: Prisma.JsonValue | null): JsonObject | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  return value as JsonObject;
}

async function userLabel(client: DbClient, id: string): Promise<string | null> {
  const user = await client.user.findUnique({ where: { id }, select: { email: true } });
  return user?.email ?? null;
}

async function rootKeyLabel(client: DbClient, tenantId: string, id: string) {
  const rootKey = await client.rootKey.findFirst({
    where: { id, tenantId },
    select: { name: true },
  });
  return rootKey ? `Root key "${rootKey.name}"` : null;
}

async function createdByOf(
  client: DbClient,
  tenantId: string,
  key: KeyDetailRow,
): Promise<KeyActorRef | null> {
  if (key.createdByUserId) {
    const label = await userLabel(client, key.createdByUserId);
    return { type: "USER", id: key.createdByUserId, label: label ?? "Deleted user" };
  }
  if (key.createdByRootKeyId) {
    const label = await rootKeyLabel(client, tenantId, key.createdByRootKeyId);
    return { type: "ROOT_KEY", id: key.createdByRootKeyId, label: label ?? "Deleted root key" };
  }
  return null;
}

/** The revoker is a user or a root key; the id alone does not say which. */
async function revokedByOf(client: DbClient, tenantId: string, id: string | null) {
  if (!id) return null;
  return (await userLabel(client, id)) ?? (await rootKeyLabel(client, tenantId, id));
}

export async function toKeyDetail(
  client: DbClient,
  tenantId: string,
  key: KeyDetailRow,
  now: Date,
): Promise<KeyDetail> {
  const retired = await client.retiredSecret.findMany({
    where: { tenantId, keyId: key.id, graceEndsAt: { gt: now } },
    select: { id: true, start: true, last4: true, retiredAt: true, graceEndsAt: true },
    orderBy: { retiredAt: "desc" },
  });
  const budget = toKeyBudget(key, now);
  return {
    id: key.id,
    name: key.name,
    description: key.description,
    display: displayKeyParts(key.start, key.last4),
    start: key.start,
    last4: key.last4,
    status: deriveKeyStatus(key.status, key.expiresAt, now),
    scopes: key.scopes,
    tags: key.tags,
    expiresAt: key.expiresAt,
    rateLimits: {
      perMinute: key.rateLimitPerMinute,
      perHour: key.rateLimitPerHour,
      perDay: key.rateLimitPerDay,
    },
    budget: budget ? { ...budget, periodStart: key.budgetPeriodStart } : null,
    ipAllowlist: key.ipAllowlist,
    allowedEndpoints: key.allowedEndpoints,
    allowedResources: key.allowedResources,
    metadata: asJsonObject(key.metadata),
    lastUsedAt: key.lastUsedAt,
    suspendedAt: key.suspendedAt,
    revokedAt: key.revokedAt,
    revokedReason: key.revokedReason,
    revokedBy: await revokedByOf(client, tenantId, key.revokedById),
    rolledAt: key.rolledAt,
    createdAt: key.createdAt,
    updatedAt: key.updatedAt,
    createdBy: await createdByOf(client, tenantId, key),
    retiredSecrets: retired.map((r) => ({
      id: r.id,
      display: displayKeyParts(r.start, r.last4),
      retiredAt: r.retiredAt,
      graceEndsAt: r.graceEndsAt,
    })),
  };
}
