import { expect } from "vitest";
import type { z } from "zod";
import { db } from "@/lib/db";
import {
  addMember,
  createTenantWithOwner,
  type TestMember,
  type TestTenant,
} from "@/lib/testing/fixtures";

// Helpers shared by the keys, root keys and tenant settings tests. Test-only: nothing in
// the app imports this file.

export type Org = { tenant: TestTenant; owner: TestMember; admin: TestMember; viewer: TestMember };

/** A tenant with one member of each role. */
export async function createOrg(): Promise<Org> {
  const { tenant, owner } = await createTenantWithOwner();
  const admin = await addMember(tenant, "ADMIN");
  const viewer = await addMember(tenant, "VIEWER");
  return { tenant, owner, admin, viewer };
}

export async function addCatalog(
  tenantId: string,
  active: readonly string[],
  retired: readonly string[] = [],
): Promise<void> {
  await db().scopeDefinition.createMany({
    data: [
      ...active.map((name) => ({ tenantId, name })),
      ...retired.map((name) => ({ tenantId, name, retiredAt: new Date() })),
    ],
  });
}

/**
 * Everything a tenant owns, as one string. Comparing it before and after a refused call
 * proves the call wrote nothing (no key, secret, scope, root key, setting or audit row).
 */
export async function tenantState(tenantId: string): Promise<string> {
  const client = db();
  const [tenant, keys, secrets, scopes, rootKeys, audit] = await Promise.all([
    client.tenant.findUnique({ where: { id: tenantId } }),
    client.apiKey.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    client.retiredSecret.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    client.scopeDefinition.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    client.rootKey.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
    client.auditEvent.findMany({ where: { tenantId }, orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ tenant, keys, secrets, scopes, rootKeys, audit });
}

/** Every column of every row of the tables that hold key material or describe it. */
export async function allStoredText(): Promise<string> {
  const tables = ["ApiKey", "RetiredSecret", "RootKey", "AuditEvent"] as const;
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await db().$queryRawUnsafe<{ row: string }[]>(
      `SELECT row_to_json(t)::text AS "row" FROM "${table}" t`,
    );
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join("\n");
}

/** Asserts a secret appears nowhere in the database, in whole or as its random part. */
export async function expectSecretNotStored(plaintext: string): Promise<void> {
  const text = await allStoredText();
  const tail = plaintext.slice(plaintext.lastIndexOf("_") + 1);
  expect(text.length).toBeGreaterThan(0);
  expect(text).not.toContain(plaintext);
  expect(text).not.toContain(tail);
  expect(text).not.toContain(tail.slice(4, 40));
}

/** Parses like a server action does and returns the flattened field errors. */
export function fieldErrorsOf(schema: z.ZodType, input: unknown): Record<string, string[]> {
  const result = schema.safeParse(input);
  if (result.success) return {};
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "");
    errors[field] = [...(errors[field] ?? []), issue.message];
  }
  return errors;
}

/** Parses and fails the test with the field errors when the input is rejected. */
export function parseOrFail<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new Error(`Expected valid input: ${JSON.stringify(fieldErrorsOf(schema, input))}`);
  }
  return result.data;
}

export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000);
}
