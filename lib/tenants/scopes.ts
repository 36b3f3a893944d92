import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/write";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { multiLineText, recordId, singleLineText } from "@/lib/validation/text";
import { isValidScopeName, SCOPE_MAX_LENGTH } from "@/lib/verify/scopes";

// The tenant's scope catalog. Keys may only be granted scopes from it (checked when a key
// is created or edited). Retiring a scope stops new grants and never touches the keys
// that already hold it, so retiring cannot break a running service.

const SCOPE_NOT_FOUND = "Scope not found.";

const scopeNameSchema = singleLineText({ error: "Name the scope." })
  .trim()
  .min(1, { error: "Name the scope.", abort: true })
  .max(SCOPE_MAX_LENGTH, { error: `Use at most ${SCOPE_MAX_LENGTH} characters.`, abort: true })
  .refine(
    isValidScopeName,
    "Use lower-case words joined by colons, such as orders:read (letters, digits, _ . -).",
  );

const scopeDescriptionSchema = z.preprocess(
  (value) => (value === null || value === undefined ? "" : value),
  multiLineText({ error: "Describe the scope in text." })
    .trim()
    .max(200, "Use at most 200 characters."),
);

const scopeIdField = recordId("Choose a scope.");

export const addScopeSchema = z.object({
  name: scopeNameSchema,
  description: scopeDescriptionSchema,
});
export type AddScopeInput = z.output<typeof addScopeSchema>;
export const updateScopeSchema = z.object({
  scopeId: scopeIdField,
  description: scopeDescriptionSchema,
});
export type UpdateScopeInput = z.output<typeof updateScopeSchema>;
export const scopeIdSchema = z.object({ scopeId: scopeIdField });

export type ScopeRow = {
  id: string;
  name: string;
  description: string;
  retiredAt: Date | null;
  createdAt: Date;
};

const scopeSelect = {
  id: true,
  name: true,
  description: true,
  retiredAt: true,
  createdAt: true,
} satisfies Prisma.ScopeDefinitionSelect;

/** The catalog, by name. Readable by every member: the key form offers these scopes. */
export async function listScopes(
  ctx: TenantContext,
  options: { includeRetired?: boolean } = {},
): Promise<ScopeRow[]> {
  assertCan(ctx, "tenant:read");
  return db().scopeDefinition.findMany({
    where: { tenantId: ctx.tenantId, ...(options.includeRetired ? {} : { retiredAt: null }) },
    select: scopeSelect,
    orderBy: { name: "asc" },
  });
}

export async function addScope(ctx: TenantContext, input: AddScopeInput): Promise<ScopeRow> {
  assertCan(ctx, "settings:manage");
  const duplicate = (retired: boolean) =>
    new ValidationError(
      retired
        ? `The scope "${input.name}" exists but is retired. Restore it instead.`
        : `The scope "${input.name}" already exists.`,
      "name",
    );
  try {
    return await db().$transaction(async (tx) => {
      const existing = await tx.scopeDefinition.findUnique({
        where: { tenantId_name: { tenantId: ctx.tenantId, name: input.name } },
        select: { retiredAt: true },
      });
      if (existing) throw duplicate(existing.retiredAt !== null);
      const scope = await tx.scopeDefinition.create({
        data: { tenantId: ctx.tenantId, name: input.name, description: input.description },
        select: scopeSelect,
      });
      await recordAudit(tx, ctx, {
        action: "scope.added",
        targetType: "scope",
        targetId: scope.id,
        after: { name: scope.name, description: scope.description },
      });
      return scope;
    });
  } catch (error) {
    // Two owners adding the same name at once: the unique index decides.
    if (isUniqueViolation(error)) throw duplicate(false);
    throw error;
  }
}

async function findScope(tx: Prisma.TransactionClient, ctx: TenantContext, scopeId: string) {
  const scope = await tx.scopeDefinition.findFirst({
    where: { id: scopeId, tenantId: ctx.tenantId },
    select: scopeSelect,
  });
  if (!scope) throw new NotFoundError(SCOPE_NOT_FOUND);
  return scope;
}

export async function updateScopeDescription(
  ctx: TenantContext,
  input: UpdateScopeInput,
): Promise<ScopeRow> {
  assertCan(ctx, "settings:manage");
  return db().$transaction(async (tx) => {
    const scope = await findScope(tx, ctx, input.scopeId);
    if (scope.description === input.description) return scope;
    const updated = await tx.scopeDefinition.update({
      where: { id: scope.id },
      data: { description: input.description },
      select: scopeSelect,
    });
    await recordAudit(tx, ctx, {
      action: "scope.updated",
      targetType: "scope",
      targetId: scope.id,
      before: { name: scope.name, description: scope.description },
      after: { name: scope.name, description: input.description },
    });
    return updated;
  });
}

async function setRetired(ctx: TenantContext, scopeId: string, retire: boolean) {
  assertCan(ctx, "settings:manage");
  return db().$transaction(async (tx) => {
    const scope = await findScope(tx, ctx, scopeId);
    if (retire && scope.retiredAt !== null) {
      throw new ValidationError(`The scope "${scope.name}" is already retired.`);
    }
    if (!retire && scope.retiredAt === null) {
      throw new ValidationError(`The scope "${scope.name}" is not retired.`);
    }
    const updated = await tx.scopeDefinition.update({
      where: { id: scope.id },
      data: { retiredAt: retire ? new Date() : null },
      select: scopeSelect,
    });
    await recordAudit(tx, ctx, {
      action: retire ? "scope.retired" : "scope.restored",
      targetType: "scope",
      targetId: scope.id,
      before: { name: scope.name, retired: !retire },
      after: { name: scope.name, retired: retire },
    });
    return updated;
  });
}

/** No new key can be given the scope; keys that hold it keep it and keep verifying. */
export function retireScope(ctx: TenantContext, scopeId: string): Promise<ScopeRow> {
  return setRetired(ctx, scopeId, true);
}

export function restoreScope(ctx: TenantContext, scopeId: string): Promise<ScopeRow> {
  return setRetired(ctx, scopeId, false);
}
