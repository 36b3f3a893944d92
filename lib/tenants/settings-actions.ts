"use server";

import { tenantAction } from "@/lib/auth/action";
import {
  addScope,
  addScopeSchema,
  restoreScope,
  retireScope,
  scopeIdSchema,
  updateScopeDescription,
  updateScopeSchema,
} from "./scopes";
import { updateTenantSettings, updateTenantSettingsSchema } from "./settings";

// Tenant settings and scope catalog actions (owners). The key pages read the catalog and
// policies too, so both paths are revalidated.

const PATHS = ["/settings", "/keys"];

export const updateTenantSettingsAction = tenantAction(
  { permission: "settings:manage", schema: updateTenantSettingsSchema },
  async (ctx, input) => {
    await updateTenantSettings(ctx, input);
    return { message: "Settings saved.", revalidate: PATHS };
  },
);

export const addScopeAction = tenantAction(
  { permission: "settings:manage", schema: addScopeSchema },
  async (ctx, input) => {
    const scope = await addScope(ctx, input);
    return {
      message: `Scope ${scope.name} added.`,
      data: { scopeId: scope.id },
      revalidate: PATHS,
    };
  },
);

export const updateScopeDescriptionAction = tenantAction(
  { permission: "settings:manage", schema: updateScopeSchema },
  async (ctx, input) => {
    await updateScopeDescription(ctx, input);
    return { message: "Description saved.", revalidate: PATHS };
  },
);

export const retireScopeAction = tenantAction(
  { permission: "settings:manage", schema: scopeIdSchema },
  async (ctx, input) => {
    const scope = await retireScope(ctx, input.scopeId);
    return {
      message: `Scope ${scope.name} retired. Keys that hold it keep it.`,
      revalidate: PATHS,
    };
  },
);

export const restoreScopeAction = tenantAction(
  { permission: "settings:manage", schema: scopeIdSchema },
  async (ctx, input) => {
    const scope = await restoreScope(ctx, input.scopeId);
    return { message: `Scope ${scope.name} restored.`, revalidate: PATHS };
  },
);
