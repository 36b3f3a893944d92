import type { BudgetPeriod } from "@/lib/generated/prisma/enums";
import type { WindowState } from "./counters";
import type { KeyRecord } from "./record";
import type { PermissionQuery } from "./scopes";

export const VERIFY_CODES = [
  "VALID",
  "NOT_FOUND",
  "EXPIRED",
  "REVOKED",
  "SUSPENDED",
  "FORBIDDEN",
  "INSUFFICIENT_SCOPES",
  "RATE_LIMITED",
  "USAGE_EXCEEDED",
] as const;
export type VerifyCode = (typeof VERIFY_CODES)[number];

export type VerifyInput = {
  key: string;
  scopes?: readonly string[];
  /**
   * A parsed permission query (names with AND / OR, as the Unkey-compatible API sends
   * them), checked at the same step as `scopes`, before anything is consumed.
   */
  scopeQuery?: PermissionQuery;
  /** Cents to reserve from the key's budget; 0 when absent. */
  cost?: number;
  ip?: string;
  endpoint?: string;
  resource?: string;
  tags?: readonly string[];
};

export type VerifyContext = {
  tenantId: string;
  rootKeyId: string;
  /**
   * The end client's address as the caller reported it (the verify body's `ip`), which
   * scopes the unknown-key cap within the root key; never the transport address.
   */
  reportedIp?: string;
};

export type BudgetState = { limitCents: number; remainingCents: number; period: BudgetPeriod };
export type RateLimitState = { window: string; limit: number; remaining: number; resetAt: string };

/**
 * The answer of a verification (PRODUCT §4.1). Fields other than `valid`, `code` and
 * `requestId` are present only when the key was found in the caller's tenant.
 * `ratelimits` lists the windows as counted by this call; it is empty when the call was
 * denied before the rate-limit check (nothing was counted). `budget.remainingCents` is
 * exact when this call reserved (cost > 0); otherwise it is the last value this
 * instance saw, because reading the spend on every call would put PostgreSQL back on
 * the hot path.
 */
export type VerifyResult = {
  valid: boolean;
  code: VerifyCode;
  /** Pass it to POST /api/v1/usage to settle this call's reservation. */
  requestId: string;
  keyId?: string;
  name?: string;
  scopes?: string[];
  expiresAt?: string | null;
  budget?: BudgetState | null;
  ratelimits?: RateLimitState[];
  meta?: unknown;
};

export function notFound(requestId: string): VerifyResult {
  return { valid: false, code: "NOT_FOUND", requestId };
}

export function toRateLimitStates(windows: readonly WindowState[]): RateLimitState[] {
  return windows.map((w) => ({
    window: w.window,
    limit: w.limit,
    remaining: w.remaining,
    resetAt: w.resetAt.toISOString(),
  }));
}

export function foundResult(
  record: KeyRecord,
  code: VerifyCode,
  requestId: string,
  extra: { budget: BudgetState | null; ratelimits: RateLimitState[] },
): VerifyResult {
  return {
    valid: code === "VALID",
    code,
    requestId,
    keyId: record.id,
    name: record.name,
    scopes: record.scopes,
    expiresAt: record.expiresAt ? record.expiresAt.toISOString() : null,
    budget: extra.budget,
    ratelimits: extra.ratelimits,
    meta: record.meta,
  };
}
