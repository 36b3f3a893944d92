import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/auth/errors";
import { db, setDbForTesting } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { hashKey, parseKey } from "@/lib/keys/format";
import {
  createOrg,
  expectSecretNotStored,
  type Org,
  parseOrFail,
  tenantState,
} from "@/lib/keys/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  authenticateRootKey,
  createRootKey,
  listRootKeys,
  revokeRootKey,
  rootKeyPrefix,
} from "./data";
import { createRootKeySchema } from "./schemas";

const database = setupTestDatabase();

let org: Org;
let other: Org;

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
});

afterEach(() => setDbForTesting(database().client));

function input(fields: Record<string, unknown>) {
  return parseOrFail(createRootKeySchema, { name: "CI", ...fields });
}

describe("createRootKeySchema", () => {
  it("takes checkbox arrays or text and needs a known permission", () => {
    expect(
      input({ permissions: ["keys:verify", "usage:write", "keys:verify"] }).permissions,
    ).toEqual(["keys:verify", "usage:write"]);
    expect(input({ permissions: "keys:read, keys:write" }).permissions).toEqual([
      "keys:read",
      "keys:write",
    ]);
    for (const permissions of [undefined, "", [], ["admin:all"]]) {
      const result = createRootKeySchema.safeParse({ name: "x", permissions });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path[0]).toBe("permissions");
    }
    expect(createRootKeySchema.safeParse({ name: " ", permissions: "keys:read" }).success).toBe(
      false,
    );
  });
});

describe("root keys", () => {
  it("are created once-shown with the tenant prefix plus _root, and stored as a hash", async () => {
    const { plaintext, rootKey } = await createRootKey(
      org.owner.ctx,
      input({ permissions: "keys:verify,usage:write" }),
    );
    expect(parseKey(plaintext)?.prefix).toBe("kp_root");
    expect(rootKey).toMatchObject({
      name: "CI",
      permissions: ["keys:verify", "usage:write"],
      revokedAt: null,
      createdBy: org.owner.user.email,
    });
    const row = await db().rootKey.findUniqueOrThrow({ where: { id: rootKey.id } });
    expect(row.hash).toBe(hashKey(plaintext));
    await expectSecretNotStored(plaintext);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { targetId: rootKey.id } });
    expect(audit).toMatchObject({
      action: "rootkey.created",
      after: { name: "CI", permissions: ["keys:verify", "usage:write"], display: rootKey.display },
    });
    await expect(authenticateRootKey(plaintext)).resolves.toEqual({
      tenantId: org.tenant.id,
      rootKeyId: rootKey.id,
      permissions: ["keys:verify", "usage:write"],
      name: "CI",
    });
  });

  it("fall back to the plain prefix when _root would not fit", () => {
    expect(rootKeyPrefix("kp")).toBe("kp_root");
    expect(rootKeyPrefix("acme_live")).toBe("acme_live_root");
    expect(rootKeyPrefix("acme_production")).toBe("acme_production");
  });

  it("are listed for owners only, per tenant", async () => {
    await createRootKey(other.owner.ctx, input({ name: "Other", permissions: "keys:read" }));
    const mine = await listRootKeys(org.owner.ctx);
    expect(mine.map((k) => k.name)).not.toContain("Other");
    expect(mine.every((k) => !JSON.stringify(k).includes("hash"))).toBe(true);
    await expect(listRootKeys(org.admin.ctx)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listRootKeys(org.viewer.ctx)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("cannot be created by admins or viewers", async () => {
    const before = await tenantState(org.tenant.id);
    for (const member of [org.admin, org.viewer]) {
      await expect(
        createRootKey(member.ctx, input({ permissions: "keys:read" })),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await tenantState(org.tenant.id)).toBe(before);
  });

  it("are revoked once, by an owner of their tenant, and stop authenticating", async () => {
    const { plaintext, rootKey } = await createRootKey(
      org.owner.ctx,
      input({ permissions: "keys:read" }),
    );
    const before = await tenantState(org.tenant.id);
    await expect(revokeRootKey(other.owner.ctx, rootKey.id)).rejects.toThrow(
      new NotFoundError("Root key not found."),
    );
    await expect(revokeRootKey(org.admin.ctx, rootKey.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await tenantState(org.tenant.id)).toBe(before);
    await revokeRootKey(org.owner.ctx, rootKey.id);
    await expect(authenticateRootKey(plaintext)).resolves.toBeNull();
    await expect(revokeRootKey(org.owner.ctx, rootKey.id)).rejects.toBeInstanceOf(ValidationError);
    const audits = await db().auditEvent.findMany({
      where: { targetId: rootKey.id, action: "rootkey.revoked" },
    });
    expect(audits).toHaveLength(1);
    const listed = (await listRootKeys(org.owner.ctx)).find((k) => k.id === rootKey.id);
    expect(listed?.revokedAt).toBeInstanceOf(Date);
  });

  it("reject malformed tokens without touching the database", async () => {
    const { plaintext } = await createRootKey(org.owner.ctx, input({ permissions: "keys:read" }));
    const untouchable = new Proxy({} as PrismaClient, {
      get() {
        throw new Error("the database was queried");
      },
    });
    setDbForTesting(untouchable);
    const typo = `${plaintext.slice(0, -1)}${plaintext.endsWith("A") ? "B" : "A"}`;
    for (const token of ["", "Bearer x", "kp_root_short", typo, "x".repeat(10_000)]) {
      await expect(authenticateRootKey(token)).resolves.toBeNull();
    }
    setDbForTesting(database().client);
    // A well-formed key that was never issued reaches the database and is not found.
    const { plaintext: other } = await createRootKey(
      org.owner.ctx,
      input({ permissions: "keys:read" }),
    );
    await db().rootKey.deleteMany({ where: { hash: hashKey(other) } });
    await expect(authenticateRootKey(other)).resolves.toBeNull();
  });
});
