import type { KeyRecord } from "./record";
import type { BudgetState, VerifyCode, VerifyInput } from "./result";
import { evaluateParsedQuery } from "./scopes";
import { effectiveSpentOf } from "./spent";

/**
 * The checks that need nothing but the cached record, in the order of PRODUCT §4.1:
 * revoked/suspended → expired → IP → endpoint and resource → scopes. Returns the code
 * of the first failed check, or null when all pass. Pure and synchronous (hot path).
 */
export function checkKeyRules(
  record: KeyRecord,
  input: VerifyInput,
  now: number,
): VerifyCode | null {
  if (record.status === "REVOKED") return "REVOKED";
  if (record.status === "SUSPENDED") return "SUSPENDED";
  // Expired at the instant itself: `expiresAt` is the first moment the key is invalid.
  if (record.expiresAt !== null && record.expiresAt.getTime() <= now) return "EXPIRED";
  // With an allowlist, a call that does not say which IP it is for is refused: an
  // absent IP must not bypass the restriction.
  if (record.hasIpAllowlist && !record.isIpAllowed(input.ip ?? "")) return "FORBIDDEN";
  if (!record.isEndpointAllowed(input.endpoint)) return "FORBIDDEN";
  if (!record.isResourceAllowed(input.resource)) return "FORBIDDEN";
  for (const scope of input.scopes ?? []) {
    if (!record.hasScope(scope)) return "INSUFFICIENT_SCOPES";
  }
  if (input.scopeQuery && !evaluateParsedQuery(input.scopeQuery, (name) => record.hasScope(name))) {
    return "INSUFFICIENT_SCOPES";
  }
  return null;
}

/** The budget as last seen by this instance (informational; see result.ts). */
export function lastKnownBudget(record: KeyRecord, now: number): BudgetState | null {
  if (record.budget === null) return null;
  const spent = effectiveSpentOf(record, now);
  return {
    limitCents: record.budget.limitCents,
    remainingCents: Math.max(0, record.budget.limitCents - spent),
    period: record.budget.period,
  };
}
