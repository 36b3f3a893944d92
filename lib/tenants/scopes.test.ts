import { beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { createKey, getKey } from "@/lib/keys/data";
import { createKeySchema } from "@/lib/keys/schemas";
import {
  createOrg,
  fieldErrorsOf,
  type Org,
  parseOrFail,
  tenantState,
} from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  addScope,
  addScopeSchema,
  listScopes,
  restoreScope,
  retireScope,
  updateScopeDescription,
  updateScopeSchema,
} from "./scopes";

setupTestDatabase();

let org: Org;
let other: Org;

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
});

function add(name: string, description = "") {
  return parseOrFail(addScopeSchema, { name, description });
}

describe("scope catalog", () => {
  it("validates scope names", () => {
    expect(fieldErrorsOf(addScopeSchema, { name: "Orders:Read" }).name).toHaveLength(1);
    expect(fieldErrorsOf(addScopeSchema, { name: "orders:*" }).name).toHaveLength(1);
    expect(fieldErrorsOf(addScopeSchema, { name: "" }).name).toEqual(["Name the scope."]);
    expect(parseOrFail(addScopeSchema, { name: " orders:items:read " }).name).toBe(
      "orders:items:read",
    );
  });

  it("adds scopes with an audit entry and refuses duplicates", async () => {
    const scope = await addScope(org.owner.ctx, add("orders:read", "Read orders"));
    expect(scope).toMatchObject({
      name: "orders:read",
      description: "Read orders",
      retiredAt: null,
    });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { targetId: scope.id } });
    expect(audit).toMatchObject({
      action: "scope.added",
      after: { name: "orders:read", description: "Read orders" },
    });
    await expect(addScope(org.owner.ctx, add("orders:read"))).rejects.toMatchObject({
      name: "ValidationError",
      field: "name",
    });
    // The same name in another tenant is a different scope.
    await expect(addScope(other.owner.ctx, add("orders:read"))).resolves.toMatchObject({
      name: "orders:read",
    });
  });

  it("is managed by owners only and read by everyone in the tenant", async () => {
    await addScope(org.owner.ctx, add("users:read"));
    const before = await tenantState(org.tenant.id);
    for (const member of [org.admin, org.viewer]) {
      await expect(addScope(member.ctx, add("nope:read"))).rejects.toBeInstanceOf(ForbiddenError);
    }
    const [scope] = await listScopes(org.viewer.ctx);
    expect(scope).toBeDefined();
    const id = scope?.id ?? "";
    for (const member of [org.admin, org.viewer]) {
      await expect(retireScope(member.ctx, id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(restoreScope(member.ctx, id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        updateScopeDescription(member.ctx, { scopeId: id, description: "x" }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await tenantState(org.tenant.id)).toBe(before);
    expect((await listScopes(other.viewer.ctx)).map((s) => s.name)).toEqual(["orders:read"]);
  });

  it("refuses another tenant's scope ids", async () => {
    const [mine] = await listScopes(org.owner.ctx);
    const id = mine?.id ?? "";
    const before = await tenantState(org.tenant.id);
    await expect(retireScope(other.owner.ctx, id)).rejects.toThrow(
      new NotFoundError("Scope not found."),
    );
    await expect(restoreScope(other.owner.ctx, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      updateScopeDescription(
        other.owner.ctx,
        parseOrFail(updateScopeSchema, { scopeId: id, description: "x" }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await tenantState(org.tenant.id)).toBe(before);
  });

  it("updates descriptions with before and after", async () => {
    const scope = await addScope(org.owner.ctx, add("reports:read", "Old"));
    await updateScopeDescription(org.owner.ctx, { scopeId: scope.id, description: "New" });
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { targetId: scope.id, action: "scope.updated" },
    });
    expect(audit.before).toEqual({ name: "reports:read", description: "Old" });
    expect(audit.after).toEqual({ name: "reports:read", description: "New" });
  });

  it("retires a scope without touching keys that hold it, and restores it", async () => {
    const scope = await addScope(org.owner.ctx, add("billing:read"));
    const { key } = await createKey(
      org.admin.ctx,
      parseOrFail(createKeySchema, { name: "Billing", scopes: "billing:read" }),
    );
    const keyBefore = await db().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    await retireScope(org.owner.ctx, scope.id);
    expect(await db().apiKey.findUniqueOrThrow({ where: { id: key.id } })).toEqual(keyBefore);
    expect((await getKey(org.admin.ctx, key.id)).scopes).toEqual(["billing:read"]);
    expect((await listScopes(org.admin.ctx)).map((s) => s.name)).not.toContain("billing:read");
    expect(
      (await listScopes(org.admin.ctx, { includeRetired: true })).map((s) => s.name),
    ).toContain("billing:read");
    await expect(
      createKey(
        org.admin.ctx,
        parseOrFail(createKeySchema, { name: "New", scopes: "billing:read" }),
      ),
    ).rejects.toMatchObject({ field: "scopes" });
    await expect(retireScope(org.owner.ctx, scope.id)).rejects.toBeInstanceOf(ValidationError);
    await expect(addScope(org.owner.ctx, add("billing:read"))).rejects.toMatchObject({
      message: expect.stringContaining("Restore it instead"),
    });
    await restoreScope(org.owner.ctx, scope.id);
    await expect(
      createKey(
        org.admin.ctx,
        parseOrFail(createKeySchema, { name: "New", scopes: "billing:read" }),
      ),
    ).resolves.toBeDefined();
    const actions = await db().auditEvent.findMany({
      where: { targetId: scope.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(actions.map((a) => a.action)).toEqual([
      "scope.added",
      "scope.retired",
      "scope.restored",
    ]);
  });
});
