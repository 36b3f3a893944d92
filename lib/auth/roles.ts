import type { Role } from "@/lib/generated/prisma/enums";

export type { Role };

// What each role may do. Viewers read; admins manage keys; owners also manage
// members, root keys and tenant settings. Checked in the data-access layer.
export const PERMISSIONS = {
  "tenant:read": ["OWNER", "ADMIN", "VIEWER"],
  "keys:write": ["OWNER", "ADMIN"],
  "members:manage": ["OWNER"],
  "settings:manage": ["OWNER"],
  "rootkeys:manage": ["OWNER"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES: readonly Role[] = ["OWNER", "ADMIN", "VIEWER"];

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: "Owner",
  ADMIN: "Admin",
  VIEWER: "Viewer",
};

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
