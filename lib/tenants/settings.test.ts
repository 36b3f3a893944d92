import { beforeAll, describe, expect, it, vi } from "vitest";
import { ForbiddenError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import { createKey, rollKey } from "@/lib/keys/data";
import { parseKey } from "@/lib/keys/format";
import { createKeySchema } from "@/lib/keys/schemas";
import {
  createOrg,
  fieldErrorsOf,
  type Org,
  parseOrFail,
  tenantState,
} from "@/lib/keys/test-support";
import { actAs } from "@/lib/testing/action-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { listScopes } from "./scopes";
import { getTenantSettings, updateTenantSettings, updateTenantSettingsSchema } from "./settings";
import {
  addScopeAction,
  restoreScopeAction,
  retireScopeAction,
  updateScopeDescriptionAction,
  updateTenantSettingsAction,
} from "./settings-actions";

vi.mock("@/lib/auth/session", () => import("@/lib/testing/action-session"));
vi.mock("next/cache", () => import("@/lib/testing/action-session"));
vi.mock("next/navigation", () => import("@/lib/testing/action-session"));

setupTestDatabase();

let org: Org;
let other: Org;

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
});

function settings(fields: Record<string, unknown>) {
  return parseOrFail(updateTenantSettingsSchema, fields);
}

describe("tenant settings", () => {
  it("start with the defaults and are readable by every member", async () => {
    await expect(getTenantSettings(org.viewer.ctx)).resolves.toEqual({
      keyPrefix: "kp",
      defaultExpiryDays: null,
      maxLifetimeDays: null,
      requireExpiry: false,
    });
  });

  it("validate the form", () => {
    expect(
      fieldErrorsOf(updateTenantSettingsSchema, { keyPrefix: "has space" }).keyPrefix,
    ).toHaveLength(1);
    expect(
      fieldErrorsOf(updateTenantSettingsSchema, { keyPrefix: "x".repeat(17) }).keyPrefix,
    ).toHaveLength(1);
    expect(
      fieldErrorsOf(updateTenantSettingsSchema, { defaultExpiryDays: "0" }).defaultExpiryDays,
    ).toEqual(["Use a whole number above 0."]);
    expect(settings({ requireExpiry: "false", maxLifetimeDays: "" })).toEqual({
      requireExpiry: false,
      maxLifetimeDays: null,
    });
    // The hidden "false" and the ticked checkbox both arrive; the checkbox comes last.
    expect(settings({ requireExpiry: "on" }).requireExpiry).toBe(true);
  });

  it("change with an audit entry of only what changed; new keys use the new prefix", async () => {
    const { plaintext: before } = await createKey(
      org.admin.ctx,
      parseOrFail(createKeySchema, { name: "Old prefix" }),
    );
    const updated = await updateTenantSettings(
      org.owner.ctx,
      settings({
        keyPrefix: "acme_live",
        maxLifetimeDays: "90",
        defaultExpiryDays: "30",
        requireExpiry: "on",
      }),
    );
    expect(updated).toEqual({
      keyPrefix: "acme_live",
      defaultExpiryDays: 30,
      maxLifetimeDays: 90,
      requireExpiry: true,
    });
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { tenantId: org.tenant.id, action: "settings.updated" },
    });
    expect(audit.before).toEqual({
      keyPrefix: "kp",
      defaultExpiryDays: null,
      maxLifetimeDays: null,
      requireExpiry: false,
    });
    expect(audit.after).toEqual({
      keyPrefix: "acme_live",
      defaultExpiryDays: 30,
      maxLifetimeDays: 90,
      requireExpiry: true,
    });
    await updateTenantSettings(org.owner.ctx, settings({ defaultExpiryDays: "14" }));
    const second = await db().auditEvent.findMany({
      where: { tenantId: org.tenant.id, action: "settings.updated" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect(second.at(-1)?.before).toEqual({ defaultExpiryDays: 30 });
    expect(second.at(-1)?.after).toEqual({ defaultExpiryDays: 14 });

    const { plaintext, key } = await createKey(
      org.admin.ctx,
      parseOrFail(createKeySchema, { name: "New" }),
    );
    expect(parseKey(plaintext)?.prefix).toBe("acme_live");
    expect(key.expiresAt).not.toBeNull();
    // The old key keeps its prefix until it is rolled.
    const oldKey = await db().apiKey.findFirstOrThrow({ where: { name: "Old prefix" } });
    expect(oldKey.start.startsWith("kp_")).toBe(true);
    expect(parseKey(before)?.prefix).toBe("kp");
    const { plaintext: rolled } = await rollKey(org.admin.ctx, oldKey.id, "0");
    expect(parseKey(rolled)?.prefix).toBe("acme_live");
  });

  it("keep the default expiry within the maximum lifetime", async () => {
    const before = await tenantState(org.tenant.id);
    await expect(
      updateTenantSettings(org.owner.ctx, settings({ defaultExpiryDays: "120" })),
    ).rejects.toMatchObject({
      field: "defaultExpiryDays",
      message: expect.stringContaining("90 days"),
    });
    await expect(
      updateTenantSettings(org.owner.ctx, settings({ maxLifetimeDays: "7" })),
    ).rejects.toMatchObject({ field: "defaultExpiryDays" });
    expect(await tenantState(org.tenant.id)).toBe(before);
  });

  it("write nothing when nothing changes", async () => {
    const count = await db().auditEvent.count({ where: { tenantId: org.tenant.id } });
    await updateTenantSettings(org.owner.ctx, settings({ keyPrefix: "acme_live" }));
    expect(await db().auditEvent.count({ where: { tenantId: org.tenant.id } })).toBe(count);
  });

  it("are changed by owners only, and only in their own tenant", async () => {
    const before = await tenantState(org.tenant.id);
    for (const member of [org.admin, org.viewer]) {
      await expect(
        updateTenantSettings(member.ctx, settings({ keyPrefix: "evil" })),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await tenantState(org.tenant.id)).toBe(before);
    await updateTenantSettings(other.owner.ctx, settings({ keyPrefix: "other" }));
    expect((await getTenantSettings(org.viewer.ctx)).keyPrefix).toBe("acme_live");
  });
});

describe("settings actions", () => {
  function form(fields: Record<string, string>): FormData {
    const data = new FormData();
    data.set("tenant", org.tenant.slug);
    for (const [name, value] of Object.entries(fields)) data.append(name, value);
    return data;
  }

  it("save settings and manage scopes for owners, with errors at the field", async () => {
    actAs(org.owner.ctx);
    expect(
      await updateTenantSettingsAction({ status: "idle" }, form({ keyPrefix: "bad prefix!" })),
    ).toMatchObject({ status: "error", fieldErrors: { keyPrefix: [expect.any(String)] } });
    expect(
      await updateTenantSettingsAction(
        { status: "idle" },
        form({ requireExpiry: "false", defaultExpiryDays: "" }),
      ),
    ).toMatchObject({ status: "success" });
    expect(await getTenantSettings(org.owner.ctx)).toMatchObject({
      requireExpiry: false,
      defaultExpiryDays: null,
    });
    const added = await addScopeAction(
      { status: "idle" },
      form({ name: "orders:read", description: "" }),
    );
    if (added.status !== "success" || !added.data) throw new Error("expected data");
    const { scopeId } = added.data;
    expect(await addScopeAction({ status: "idle" }, form({ name: "orders:read" }))).toMatchObject({
      status: "error",
      fieldErrors: { name: [expect.stringContaining("already exists")] },
    });
    for (const action of [retireScopeAction, restoreScopeAction]) {
      expect(await action({ status: "idle" }, form({ scopeId }))).toMatchObject({
        status: "success",
      });
    }
    expect(
      await updateScopeDescriptionAction(
        { status: "idle" },
        form({ scopeId, description: "Orders" }),
      ),
    ).toMatchObject({ status: "success" });
    expect((await listScopes(org.viewer.ctx)).find((s) => s.id === scopeId)?.description).toBe(
      "Orders",
    );
  });

  it("refuse admins and viewers", async () => {
    const scope = (await listScopes(org.owner.ctx))[0];
    const before = await tenantState(org.tenant.id);
    for (const member of [org.admin, org.viewer]) {
      actAs(member.ctx);
      const calls = [
        updateTenantSettingsAction({ status: "idle" }, form({ keyPrefix: "evil" })),
        addScopeAction({ status: "idle" }, form({ name: "evil:read" })),
        retireScopeAction({ status: "idle" }, form({ scopeId: scope?.id ?? "" })),
        restoreScopeAction({ status: "idle" }, form({ scopeId: scope?.id ?? "" })),
        updateScopeDescriptionAction(
          { status: "idle" },
          form({ scopeId: scope?.id ?? "", description: "x" }),
        ),
      ];
      for (const state of await Promise.all(calls)) {
        expect(state).toEqual({ status: "error", message: "Your role does not allow this." });
      }
    }
    expect(await tenantState(org.tenant.id)).toBe(before);
  });
});

describe("concurrent saves", () => {
  it("two saves of different fields at once both stick", async () => {
    const fresh = await createOrg();
    await updateTenantSettings(
      fresh.owner.ctx,
      settings({ defaultExpiryDays: "", maxLifetimeDays: "" }),
    );
    for (let round = 0; round < 5; round++) {
      const prefix = `race${round}`;
      await Promise.all([
        updateTenantSettings(fresh.owner.ctx, { keyPrefix: prefix }),
        updateTenantSettings(fresh.owner.ctx, { maxLifetimeDays: 100 + round }),
      ]);
      const saved = await getTenantSettings(fresh.owner.ctx);
      expect(saved.keyPrefix).toBe(prefix);
      expect(saved.maxLifetimeDays).toBe(100 + round);
    }
  });
});
