import { describe, expect, it } from "vitest";
import type { Role } from "@/lib/generated/prisma/enums";
import { assertCan, type TenantContext } from "./context";
import { ForbiddenError } from "./errors";
import { can, PERMISSIONS, type Permission, ROLES } from "./roles";

// Written out by hand from PRODUCT.md §1 (viewers read; admins manage keys; owners also
// manage members, root keys and settings), not derived from PERMISSIONS.
const EXPECTED: Record<Permission, Record<Role, boolean>> = {
  "tenant:read": { OWNER: true, ADMIN: true, VIEWER: true },
  "keys:write": { OWNER: true, ADMIN: true, VIEWER: false },
  "members:manage": { OWNER: true, ADMIN: false, VIEWER: false },
  "settings:manage": { OWNER: true, ADMIN: false, VIEWER: false },
  "rootkeys:manage": { OWNER: true, ADMIN: false, VIEWER: false },
};

const cases = Object.entries(EXPECTED).flatMap(([permission, byRole]) =>
  Object.entries(byRole).map(([role, allowed]) => ({
    role: role as Role,
    permission: permission as Permission,
    allowed,
  })),
);

function ctxWith(role: Role): TenantContext {
  return {
    tenantId: "t1",
    tenantSlug: "acme",
    tenantName: "Acme",
    role,
    actor: { type: "USER", id: "u1", label: "u1@example.test" },
  };
}

describe("can()", () => {
  it("covers exactly the permissions and roles in the table", () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect([...ROLES].sort()).toEqual(["ADMIN", "OWNER", "VIEWER"]);
    expect(cases).toHaveLength(15);
  });

  it.each(cases)("$role on $permission → $allowed", ({ role, permission, allowed }) => {
    expect(can(role, permission)).toBe(allowed);
  });
});

describe("assertCan()", () => {
  it.each(cases)("$role on $permission", ({ role, permission, allowed }) => {
    if (allowed) expect(() => assertCan(ctxWith(role), permission)).not.toThrow();
    else expect(() => assertCan(ctxWith(role), permission)).toThrow(ForbiddenError);
  });
});
