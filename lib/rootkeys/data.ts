import "server-only";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import {
  displayKey,
  generateKey,
  hashKey,
  KEY_PREFIX_MAX_LENGTH,
  parseKey,
} from "@/lib/keys/format";
import { type CreateRootKeyInput, isRootKeyPermission, type RootKeyPermission } from "./schemas";

// Root keys: tenant-level management keys that services use to call the API. Same format
// and storage rules as API keys (SHA-256 hash, start, last4; plaintext shown once).

const ROOT_KEY_NOT_FOUND = "Root key not found.";

export type RootKeyRow = {
  id: string;
  name: string;
  display: string;
  permissions: RootKeyPermission[];
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  /** Email of the owner who created it, when that user still exists. */
  createdBy: string | null;
};

export type RootKeyAuth = {
  tenantId: string;
  rootKeyId: string;
  permissions: RootKeyPermission[];
  name: string;
};

/**
 * `<tenant prefix>_root` when that still fits the 16-character prefix limit, so a leaked
 * root key is recognisable as one (by people and by secret scanners) and can be told
 * apart from an ordinary key at a glance; otherwise the plain tenant prefix.
 */
export function rootKeyPrefix(tenantPrefix: string): string {
  const candidate = `${tenantPrefix}_root`;
  return candidate.length <= KEY_PREFIX_MAX_LENGTH ? candidate : tenantPrefix;
}

function knownPermissions(values: readonly string[]): RootKeyPermission[] {
  return values.filter(isRootKeyPermission);
}

const rootKeySelect = {
  id: true,
  name: true,
  start: true,
  last4: true,
  permissions: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
  createdByUserId: true,
} as const;

type RootKeyRecord = {
  id: string;
  name: string;
  start: string;
  last4: string;
  permissions: string[];
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  createdByUserId: string | null;
};

function toRow(record: RootKeyRecord, emails: Map<string, string>): RootKeyRow {
  return {
    id: record.id,
    name: record.name,
    display: displayKey(record.start, record.last4),
    permissions: knownPermissions(record.permissions),
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
    createdAt: record.createdAt,
    createdBy: record.createdByUserId ? (emails.get(record.createdByUserId) ?? null) : null,
  };
}

export async function createRootKey(
  ctx: TenantContext,
  input: CreateRootKeyInput,
): Promise<{ plaintext: string; rootKey: RootKeyRow }> {
  assertCan(ctx, "rootkeys:manage");
  const permissions = knownPermissions(input.permissions);
  if (permissions.length === 0) {
    throw new ValidationError("Choose at least one permission.", "permissions");
  }
  return db().$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({
      where: { id: ctx.tenantId },
      select: { keyPrefix: true },
    });
    if (!tenant) throw new NotFoundError("Organization not found.");
    const generated = generateKey(rootKeyPrefix(tenant.keyPrefix));
    const record = await tx.rootKey.create({
      data: {
        tenantId: ctx.tenantId,
        name: input.name,
        hash: generated.hash,
        start: generated.start,
        last4: generated.last4,
        permissions,
        createdByUserId: ctx.actor.type === "USER" ? ctx.actor.id : null,
      },
      select: rootKeySelect,
    });
    await recordAudit(tx, ctx, {
      action: "rootkey.created",
      targetType: "rootkey",
      targetId: record.id,
      after: { name: record.name, permissions, display: displayKey(record.start, record.last4) },
    });
    const emails = new Map(ctx.actor.type === "USER" ? [[ctx.actor.id, ctx.actor.label]] : []);
    return { plaintext: generated.key, rootKey: toRow(record, emails) };
  });
}

/** Every root key of the tenant, revoked ones included (they explain old audit entries). */
export async function listRootKeys(ctx: TenantContext): Promise<RootKeyRow[]> {
  assertCan(ctx, "rootkeys:manage");
  const client = db();
  const records = await client.rootKey.findMany({
    where: { tenantId: ctx.tenantId },
    select: rootKeySelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const userIds = [
    ...new Set(records.flatMap((r) => (r.createdByUserId ? [r.createdByUserId] : []))),
  ];
  const users = userIds.length
    ? await client.user.findMany({
        where: { id: { in: userIds } },
        select: { id: true, email: true },
      })
    : [];
  const emails = new Map(users.map((u) => [u.id, u.email]));
  return records.map((record) => toRow(record, emails));
}

export async function revokeRootKey(ctx: TenantContext, rootKeyId: string): Promise<void> {
  assertCan(ctx, "rootkeys:manage");
  await db().$transaction(async (tx) => {
    const rootKey = await tx.rootKey.findFirst({
      where: { id: rootKeyId, tenantId: ctx.tenantId },
      select: { id: true, name: true, revokedAt: true },
    });
    if (!rootKey) throw new NotFoundError(ROOT_KEY_NOT_FOUND);
    // Conditional on still being live, so two revocations at once record only one.
    const revoked = await tx.rootKey.updateMany({
      where: { id: rootKey.id, tenantId: ctx.tenantId, revokedAt: null },
      data: { revokedAt: new Date(), revokedById: ctx.actor.id },
    });
    if (revoked.count === 0) throw new ValidationError("This root key is already revoked.");
    await recordAudit(tx, ctx, {
      action: "rootkey.revoked",
      targetType: "rootkey",
      targetId: rootKey.id,
      before: { name: rootKey.name, revoked: false },
      after: { name: rootKey.name, revoked: true },
    });
  });
}

/**
 * Resolves the bearer token of an API call. Malformed input (wrong shape or checksum)
 * is rejected before any database work, so random strings cost nothing; a revoked or
 * unknown key is null. Root keys are looked up on every call rather than cached, so a
 * revocation takes effect on the next request on every instance.
 */
export async function authenticateRootKey(plaintext: string): Promise<RootKeyAuth | null> {
  if (parseKey(plaintext) === null) return null;
  const rootKey = await db().rootKey.findUnique({
    where: { hash: hashKey(plaintext) },
    select: { id: true, tenantId: true, name: true, permissions: true, revokedAt: true },
  });
  if (!rootKey || rootKey.revokedAt !== null) return null;
  return {
    tenantId: rootKey.tenantId,
    rootKeyId: rootKey.id,
    permissions: knownPermissions(rootKey.permissions),
    name: rootKey.name,
  };
}
