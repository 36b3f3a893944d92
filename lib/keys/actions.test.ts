import { revalidatePath } from "next/cache";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import { actAs } from "@/lib/testing/action-session";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  bulkKeysAction,
  createKeyAction,
  reactivateKeyAction,
  revokeKeyAction,
  rollKeyAction,
  suspendKeyAction,
  updateKeyAction,
} from "./actions";
import { parseKey } from "./format";
import {
  addCatalog,
  createOrg,
  expectSecretNotStored,
  type Org,
  tenantState,
} from "./test-support";

// The actions as the browser calls them, as the member actAs() names (see
// lib/testing/action-session.ts).

vi.mock("@/lib/auth/session", () => import("@/lib/testing/action-session"));
vi.mock("next/cache", () => import("@/lib/testing/action-session"));
vi.mock("next/navigation", () => import("@/lib/testing/action-session"));

setupTestDatabase();

let org: Org;
let other: Org;

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await addCatalog(org.tenant.id, ["orders:read", "orders:write"]);
});

beforeEach(() => {
  vi.mocked(revalidatePath).mockClear();
});

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  data.set("tenant", org.tenant.slug);
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  }
  return data;
}

async function createAs(ctx: TenantContext, fields: Record<string, string | string[]>) {
  actAs(ctx);
  return createKeyAction({ status: "idle" }, form(fields));
}

describe("key actions", () => {
  it("create returns the plaintext once and revalidates the list", async () => {
    const state = await createAs(org.admin.ctx, {
      name: "From the form",
      "scopes[]": ["orders:read"],
    });
    expect(state.status).toBe("success");
    if (state.status !== "success" || !state.data) throw new Error("expected data");
    expect(parseKey(state.data.plaintext)).not.toBeNull();
    expect(revalidatePath).toHaveBeenCalledWith(`/t/${org.tenant.slug}/keys`);
    await expectSecretNotStored(state.data.plaintext);
  });

  it("puts schema and DAL errors next to their fields and writes nothing", async () => {
    const before = await tenantState(org.tenant.id);
    expect(await createAs(org.admin.ctx, { name: "", ipAllowlist: "10.0.0.1/8" })).toMatchObject({
      status: "error",
      fieldErrors: {
        name: ["Name the key."],
        ipAllowlist: [expect.stringContaining('"10.0.0.1/8"')],
      },
    });
    expect(await createAs(org.admin.ctx, { name: "k", scopes: "orders:delete" })).toMatchObject({
      status: "error",
      fieldErrors: { scopes: [expect.stringContaining('"orders:delete"')] },
    });
    expect(
      await createAs(org.admin.ctx, { name: "k", metadata: "{oops", rateLimitPerMinute: "-1" }),
    ).toMatchObject({
      status: "error",
      fieldErrors: {
        metadata: ["Metadata must be valid JSON."],
        rateLimitPerMinute: ["Use a whole number above 0."],
      },
    });
    expect(await tenantState(org.tenant.id)).toBe(before);
  });

  it("refuse a forged call from a viewer and another tenant's key id", async () => {
    const created = await createAs(org.admin.ctx, { name: "Target" });
    if (created.status !== "success" || !created.data) throw new Error("expected data");
    const { keyId } = created.data;
    const before = await tenantState(org.tenant.id);
    const calls = [
      () => createKeyAction({ status: "idle" }, form({ name: "x" })),
      () => updateKeyAction({ status: "idle" }, form({ keyId, name: "x" })),
      () => revokeKeyAction({ status: "idle" }, form({ keyId, reason: "x" })),
      () => suspendKeyAction({ status: "idle" }, form({ keyId })),
      () => reactivateKeyAction({ status: "idle" }, form({ keyId })),
      () => rollKeyAction({ status: "idle" }, form({ keyId, grace: "0" })),
      () => bulkKeysAction({ status: "idle" }, form({ "keyIds[]": [keyId], action: "suspend" })),
    ];
    actAs(org.viewer.ctx);
    for (const call of calls) {
      expect(await call()).toEqual({ status: "error", message: "Your role does not allow this." });
    }
    actAs(other.owner.ctx);
    for (const call of calls.slice(1, 6)) {
      expect(await call()).toMatchObject({ status: "error", message: "Key not found." });
    }
    expect(await tenantState(org.tenant.id)).toBe(before);
  });

  it("run the lifecycle through FormData", async () => {
    const created = await createAs(org.admin.ctx, { name: "Lifecycle" });
    if (created.status !== "success" || !created.data) throw new Error("expected data");
    const { keyId } = created.data;
    const paths = [`/t/${org.tenant.slug}/keys`, `/t/${org.tenant.slug}/keys/${keyId}`];
    expect(
      await updateKeyAction({ status: "idle" }, form({ keyId, tags: "a,b", budgetCents: "" })),
    ).toMatchObject({ status: "success" });
    for (const path of paths) expect(revalidatePath).toHaveBeenCalledWith(path);
    expect(await suspendKeyAction({ status: "idle" }, form({ keyId }))).toMatchObject({
      status: "success",
    });
    expect(await reactivateKeyAction({ status: "idle" }, form({ keyId }))).toMatchObject({
      status: "success",
    });
    const rolled = await rollKeyAction({ status: "idle" }, form({ keyId, grace: "1h" }));
    if (rolled.status !== "success" || !rolled.data) throw new Error("expected data");
    expect(rolled.data.keyId).toBe(keyId);
    expect(parseKey(rolled.data.plaintext)).not.toBeNull();
    expect(await revokeKeyAction({ status: "idle" }, form({ keyId, reason: "" }))).toMatchObject({
      status: "error",
      fieldErrors: { reason: ["Say why the key is revoked."] },
    });
    expect(
      await revokeKeyAction({ status: "idle" }, form({ keyId, reason: "done" })),
    ).toMatchObject({
      status: "success",
    });
    expect(
      await revokeKeyAction({ status: "idle" }, form({ keyId, reason: "again" })),
    ).toMatchObject({
      status: "error",
      message: "This key is already revoked.",
    });
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: keyId } });
    expect(row).toMatchObject({ status: "REVOKED", tags: ["a", "b"] });
  });

  it("bulk suspends and reports what it skipped", async () => {
    const ids: string[] = [];
    for (const name of ["b1", "b2"]) {
      const state = await createAs(org.admin.ctx, { name });
      if (state.status !== "success" || !state.data) throw new Error("expected data");
      ids.push(state.data.keyId);
    }
    const state = await bulkKeysAction(
      { status: "idle" },
      form({ "keyIds[]": [...ids, "someone-elses"], action: "suspend" }),
    );
    expect(state).toMatchObject({
      status: "success",
      message: "Suspended 2 of 3 keys, skipped 1.",
      data: { succeeded: ids, skipped: [{ id: "someone-elses", reason: "Key not found." }] },
    });
  });
});
