import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { endSessionSchema } from "@/lib/account/schemas";
import { auditQuerySchema } from "@/lib/audit/schemas";
import { signInSchema } from "@/lib/auth/schemas";
import { db } from "@/lib/db";
import {
  bulkKeysAction,
  createKeyAction,
  reactivateKeyAction,
  revokeKeyAction,
  rollKeyAction,
  suspendKeyAction,
  updateKeyAction,
} from "@/lib/keys/actions";
import {
  bulkSchema,
  createKeySchema,
  keyIdSchema,
  listKeysQuerySchema,
  revokeKeySchema,
  rollKeySchema,
  updateKeySchema,
} from "@/lib/keys/schemas";
import { createOrg, type Org } from "@/lib/keys/test-support";
import { createRootKeyAction, revokeRootKeyAction } from "@/lib/rootkeys/actions";
import { createRootKeySchema, rootKeyIdSchema } from "@/lib/rootkeys/schemas";
import {
  changeRoleAction,
  inviteMemberAction,
  removeMemberAction,
  revokeInvitationAction,
  signUpAction,
} from "@/lib/tenants/actions";
import {
  acceptInvitationSchema,
  changeRoleSchema,
  createTenantSchema,
  invitationIdSchema,
  inviteMemberSchema,
  membershipIdSchema,
  signUpSchema,
} from "@/lib/tenants/schemas";
import { addScopeSchema, scopeIdSchema, updateScopeSchema } from "@/lib/tenants/scopes";
import { updateTenantSettingsSchema } from "@/lib/tenants/settings";
import {
  addScopeAction,
  restoreScopeAction,
  retireScopeAction,
  updateScopeDescriptionAction,
  updateTenantSettingsAction,
} from "@/lib/tenants/settings-actions";
import { actAs } from "@/lib/testing/action-session";
import { setupTestDatabase } from "@/lib/testing/database";
import { tenantFingerprint } from "@/lib/testing/fingerprint";
import { fuzzParameters, hostileString, hostileValue, unstorableText } from "@/lib/testing/hostile";
import { isMultiLineText } from "@/lib/validation/text";
import type { ActionState } from "./action";

// Every server action's schema, and the actions themselves through the one wrapper
// (authenticate, tenant, role, zod, data layer), with hostile values in every field.
// Whatever comes in: the schema never lets through text the database cannot store, an
// error names fields of the form, never "Something went wrong", and a refused call writes
// nothing. fast-check prints the seed of a failure; FUZZ_SEED replays it.

vi.mock("@/lib/auth/session", () => import("@/lib/testing/action-session"));
vi.mock("next/cache", () => import("@/lib/testing/action-session"));
vi.mock("next/navigation", () => import("@/lib/testing/action-session"));

setupTestDatabase();

const GENERIC = "Something went wrong on our side. Nothing was changed.";

/** Each schema a form or a URL of the dashboard is parsed with, and its fields. */
const SCHEMAS: [string, z.ZodType, string[]][] = [
  ["createKey", createKeySchema, Object.keys(createKeySchema.shape)],
  ["updateKey", updateKeySchema, Object.keys(updateKeySchema.shape)],
  ["revokeKey", revokeKeySchema, ["keyId", "reason"]],
  ["rollKey", rollKeySchema, ["keyId", "grace"]],
  ["keyId", keyIdSchema, ["keyId"]],
  ["bulk", bulkSchema, ["keyIds", "action", "reason"]],
  ["createRootKey", createRootKeySchema, ["name", "permissions"]],
  ["rootKeyId", rootKeyIdSchema, ["rootKeyId"]],
  ["signUp", signUpSchema, ["name", "email", "password", "organization", "invite"]],
  ["signIn", signInSchema, ["email", "password"]],
  ["endSession", endSessionSchema, ["sessionId"]],
  ["createTenant", createTenantSchema, ["organization"]],
  ["acceptInvitation", acceptInvitationSchema, ["token"]],
  ["inviteMember", inviteMemberSchema, ["email", "role", "expiresInDays"]],
  ["changeRole", changeRoleSchema, ["membershipId", "role"]],
  ["membershipId", membershipIdSchema, ["membershipId"]],
  ["invitationId", invitationIdSchema, ["invitationId"]],
  [
    "updateTenantSettings",
    updateTenantSettingsSchema,
    Object.keys(updateTenantSettingsSchema.shape),
  ],
  ["addScope", addScopeSchema, ["name", "description"]],
  ["updateScope", updateScopeSchema, ["scopeId", "description"]],
  ["scopeId", scopeIdSchema, ["scopeId"]],
  ["auditQuery", auditQuerySchema, Object.keys(auditQuerySchema.shape)],
  [
    "listKeysQuery",
    listKeysQuerySchema,
    ["page", "pageSize", "sort", "dir", "q", "status", "tag", "scope"],
  ],
];

/** Every string and object key inside a parsed value, with where it was found. */
function strings(value: unknown, where = "", out: [string, string][] = []): [string, string][] {
  if (typeof value === "string") out.push([where, value]);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) strings(item, `${where}[${i}]`, out);
  } else if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      out.push([`${where}{key}`, key]);
      strings(item, `${where}.${key}`, out);
    }
  }
  return out;
}

/** Payloads for `fields`: hostile values (any JSON, or form text) in some of them. */
function payloadFor(fields: string[]) {
  const field = fc.constantFrom(...fields);
  return fc.oneof(
    fc.dictionary(field, hostileValue, { minKeys: 1, maxKeys: 4 }),
    fc.dictionary(field, fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })), {
      minKeys: 1,
      maxKeys: 4,
    }),
  );
}

describe("every server action's schema, with hostile input", () => {
  for (const [name, schema, fields] of SCHEMAS) {
    it(`${name}: never throws, never passes bad text, and names the fields it refuses`, () => {
      fc.assert(
        fc.property(payloadFor(fields), (payload) => {
          const result = schema.safeParse(payload);
          if (result.success) {
            for (const [where, text] of strings(result.data))
              expect(
                isMultiLineText(text),
                `${name} let ${JSON.stringify(text)} through at ${where}`,
              ).toBe(true);
            return;
          }
          for (const issue of result.error.issues) {
            const top = String(issue.path[0] ?? "");
            expect([...Object.keys(payload), ...fields], `${name} names "${top}"`).toContain(top);
          }
        }),
        fuzzParameters(150),
      );
    });

    // Passwords are never stored or shown, only hashed, so they may hold any character.
    const textFields = fields.filter((field) => field !== "password");
    it(`${name}: refuses unstorable characters in any of its text fields, naming it`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...textFields), unstorableText, (field, text) => {
          const result = schema.safeParse({ [field]: text });
          // A URL's filters fall back to their defaults instead of failing the page.
          if (result.success) {
            for (const [where, value] of strings(result.data))
              expect(isMultiLineText(value), `${name} kept bad text at ${where}`).toBe(true);
            return;
          }
          const named = result.error.issues.map((issue) => String(issue.path[0] ?? ""));
          expect(named, `${name}.${field}`).toContain(field);
        }),
        fuzzParameters(100),
      );
    });
  }
});

type Action = (
  previous: ActionState<unknown>,
  payload: FormData | Record<string, unknown>,
) => Promise<ActionState<unknown>>;

let org: Org;
let ids: Record<string, string>;

beforeAll(async () => {
  org = await createOrg();
  const key = await db().apiKey.create({
    data: {
      tenantId: org.tenant.id,
      name: "fuzz",
      hash: "h".repeat(64),
      start: "kp_fuzz",
      last4: "0000",
    },
  });
  const scope = await db().scopeDefinition.create({
    data: { tenantId: org.tenant.id, name: "orders:read" },
  });
  ids = {
    keyId: key.id,
    scopeId: scope.id,
    membershipId: org.viewer.membershipId,
    rootKeyId: "cunknownrootkey000000000000",
    invitationId: "cunknowninvitation00000000",
  };
});

/** What the tenant has (and how many users exist); equal before and after a refusal. */
async function snapshot(): Promise<string> {
  return `${await tenantFingerprint(org.tenant.id)}|${await db().user.count()}`;
}

/** Each action, a valid payload to start from (ids filled in later), and its fields. */
const ACTIONS: [string, Action, Record<string, unknown>, string[]][] = [
  [
    "createKeyAction",
    createKeyAction as Action,
    { name: "fuzz key" },
    Object.keys(createKeySchema.shape),
  ],
  [
    "updateKeyAction",
    updateKeyAction as Action,
    { keyId: "$keyId" },
    Object.keys(updateKeySchema.shape),
  ],
  [
    "revokeKeyAction",
    revokeKeyAction as Action,
    { keyId: "$keyId", reason: "fuzz" },
    ["keyId", "reason"],
  ],
  ["rollKeyAction", rollKeyAction as Action, { keyId: "$keyId", grace: "0" }, ["keyId", "grace"]],
  ["suspendKeyAction", suspendKeyAction as Action, { keyId: "$keyId" }, ["keyId"]],
  ["reactivateKeyAction", reactivateKeyAction as Action, { keyId: "$keyId" }, ["keyId"]],
  [
    "bulkKeysAction",
    bulkKeysAction as Action,
    { keyIds: "$keyId", action: "suspend" },
    ["keyIds", "action", "reason"],
  ],
  [
    "createRootKeyAction",
    createRootKeyAction as Action,
    { name: "fuzz", permissions: "keys:read" },
    ["name", "permissions"],
  ],
  [
    "revokeRootKeyAction",
    revokeRootKeyAction as Action,
    { rootKeyId: "$rootKeyId" },
    ["rootKeyId"],
  ],
  [
    "inviteMemberAction",
    inviteMemberAction as Action,
    { role: "VIEWER" },
    ["email", "role", "expiresInDays"],
  ],
  [
    "changeRoleAction",
    changeRoleAction as Action,
    { membershipId: "$membershipId", role: "VIEWER" },
    ["membershipId", "role"],
  ],
  [
    "removeMemberAction",
    removeMemberAction as Action,
    { membershipId: "$unknown" },
    ["membershipId"],
  ],
  [
    "revokeInvitationAction",
    revokeInvitationAction as Action,
    { invitationId: "$invitationId" },
    ["invitationId"],
  ],
  [
    "updateTenantSettingsAction",
    updateTenantSettingsAction as Action,
    {},
    Object.keys(updateTenantSettingsSchema.shape),
  ],
  [
    "addScopeAction",
    addScopeAction as Action,
    { name: "fuzz:scope", description: "" },
    ["name", "description"],
  ],
  [
    "updateScopeDescriptionAction",
    updateScopeDescriptionAction as Action,
    { scopeId: "$scopeId", description: "d" },
    ["scopeId", "description"],
  ],
  ["retireScopeAction", retireScopeAction as Action, { scopeId: "$unknown" }, ["scopeId"]],
  ["restoreScopeAction", restoreScopeAction as Action, { scopeId: "$unknown" }, ["scopeId"]],
  [
    "signUpAction",
    signUpAction as Action,
    { name: "n", email: "fuzz@example.test", password: "x" },
    ["name", "email", "password", "organization", "invite"],
  ],
];

function fill(base: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(base).map(([name, value]) => {
      if (typeof value !== "string" || !value.startsWith("$")) return [name, value];
      return [name, ids[value.slice(1)] ?? "cunknownid0000000000000000"];
    }),
  );
}

/** As the browser sends it (text fields; a list as `name[]`), or as a plain object. */
function asFormData(payload: Record<string, unknown>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(payload)) {
    if (Array.isArray(value)) for (const item of value) data.append(`${name}[]`, String(item));
    else data.append(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  return data;
}

describe("every tenant server action, with hostile input", () => {
  for (const [name, action, base, fields] of ACTIONS) {
    it(`${name}: an error names fields of the form, never "Something went wrong", and writes nothing`, {
      timeout: 120_000,
    }, async () => {
      await fc.assert(
        fc.asyncProperty(
          payloadFor([...fields, "tenant"]),
          fc.boolean(),
          async (hostile, asForm) => {
            actAs(org.owner.ctx);
            const payload = { ...fill(base), tenant: org.tenant.slug, ...hostile };
            const before = await snapshot();
            const state = await action({ status: "idle" }, asForm ? asFormData(payload) : payload);
            if (state.status !== "error") return;
            expect(state.message, `${name} fell through to the generic error`).not.toBe(GENERIC);
            for (const field of Object.keys(state.fieldErrors ?? {}))
              expect([...fields, "tenant"], `${name} named "${field}"`).toContain(field);
            expect(await snapshot(), `${name} wrote on a refusal`).toBe(before);
          },
        ),
        fuzzParameters(name === "signUpAction" ? 5 : 10),
      );
    });
  }

  it("NUL or a lone surrogate in a field is an error on that field", async () => {
    actAs(org.owner.ctx);
    const cases: [Action, Record<string, unknown>, string][] = [
      [createKeyAction as Action, { name: "a\u0000b" }, "name"],
      [createKeyAction as Action, { name: "ok", description: "x\u0000" }, "description"],
      [createKeyAction as Action, { name: "ok", metadata: '{"a":"\\u0000"}' }, "metadata"],
      [updateKeyAction as Action, { keyId: "$keyId", name: "\ud800" }, "name"],
      [revokeKeyAction as Action, { keyId: "$keyId", reason: "leaked\u0000" }, "reason"],
      [suspendKeyAction as Action, { keyId: "\u0000" }, "keyId"],
      [createRootKeyAction as Action, { name: "r\u0000", permissions: "keys:read" }, "name"],
      [addScopeAction as Action, { name: "a:b", description: "\u0000" }, "description"],
      [inviteMemberAction as Action, { role: "VIEWER", email: "a\u0000@b.test" }, "email"],
      [createKeyAction as Action, { tenant: "\u0000", name: "ok" }, "tenant"],
    ];
    for (const [action, fields, field] of cases) {
      const before = await snapshot();
      const state = await action({ status: "idle" }, { tenant: org.tenant.slug, ...fill(fields) });
      expect(state.status, JSON.stringify(fields)).toBe("error");
      expect(Object.keys(state.status === "error" ? (state.fieldErrors ?? {}) : {})).toContain(
        field,
      );
      expect(await snapshot()).toBe(before);
    }
  });
});
