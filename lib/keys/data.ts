import "server-only";

// The keys data-access layer. Every function takes the authorised TenantContext first,
// checks the role, filters every query by ctx.tenantId and, for changes, writes the
// audit entry in the same transaction. Pages and actions import from here.

export { type BulkResult, bulkUpdateKeys } from "./bulk";
export { createKey } from "./create";
export { KEY_NOT_FOUND } from "./detail";
export { reactivateKey, revokeKey, rollKey, suspendKey } from "./lifecycle";
export { LIST_COUNT_CAP, listKeys } from "./list";
export { getKey, listKeyAudit } from "./read";
export { updateKey } from "./update";
