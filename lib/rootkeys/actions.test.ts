import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { createOrg, expectSecretNotStored, type Org, tenantState } from "@/lib/keys/test-support";
import { actAs } from "@/lib/testing/action-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { createRootKeyAction, revokeRootKeyAction } from "./actions";
import { authenticateRootKey } from "./data";

vi.mock("@/lib/auth/session", () => import("@/lib/testing/action-session"));
vi.mock("next/cache", () => import("@/lib/testing/action-session"));
vi.mock("next/navigation", () => import("@/lib/testing/action-session"));

setupTestDatabase();

let org: Org;

beforeAll(async () => {
  org = await createOrg();
});

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  data.set("tenant", org.tenant.slug);
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  }
  return data;
}

describe("root key actions", () => {
  it("let owners create a once-shown key and revoke it", async () => {
    actAs(org.owner.ctx);
    const created = await createRootKeyAction(
      { status: "idle" },
      form({ name: "Deploy bot", "permissions[]": ["keys:verify", "keys:read"] }),
    );
    if (created.status !== "success" || !created.data) throw new Error("expected data");
    const { plaintext, rootKeyId } = created.data;
    await expectSecretNotStored(plaintext);
    await expect(authenticateRootKey(plaintext)).resolves.toMatchObject({ rootKeyId });
    expect(await revokeRootKeyAction({ status: "idle" }, form({ rootKeyId }))).toMatchObject({
      status: "success",
    });
    await expect(authenticateRootKey(plaintext)).resolves.toBeNull();
  });

  it("give field errors and refuse admins and viewers", async () => {
    actAs(org.owner.ctx);
    expect(await createRootKeyAction({ status: "idle" }, form({ name: "" }))).toMatchObject({
      status: "error",
      fieldErrors: {
        name: ["Name the root key."],
        permissions: ["Choose at least one permission."],
      },
    });
    const existing = await db().rootKey.findFirstOrThrow({ where: { tenantId: org.tenant.id } });
    const before = await tenantState(org.tenant.id);
    for (const member of [org.admin, org.viewer]) {
      actAs(member.ctx);
      expect(
        await createRootKeyAction(
          { status: "idle" },
          form({ name: "x", permissions: "keys:read" }),
        ),
      ).toEqual({ status: "error", message: "Your role does not allow this." });
      expect(
        await revokeRootKeyAction({ status: "idle" }, form({ rootKeyId: existing.id })),
      ).toEqual({
        status: "error",
        message: "Your role does not allow this.",
      });
    }
    expect(await tenantState(org.tenant.id)).toBe(before);
  });
});
