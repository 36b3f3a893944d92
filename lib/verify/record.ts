import "server-only";
import { db } from "@/lib/db";
import type { BudgetPeriod, KeyStatus } from "@/lib/generated/prisma/enums";
import { compileEndpointPatterns, compileResourceMatcher } from "./endpoints";
import { compileIpAllowlist } from "./ip";
import { compileScopes } from "./scopes";
import type { RateLimitWindow } from "./windows";

/**
 * What the verify path knows about one secret, compiled once per cache fill: the
 * matchers are built here so the hot path never parses a CIDR or a pattern.
 * Budget spend is NOT part of the cached truth (it changes on every reservation and is
 * decided by PostgreSQL); `lastKnownSpentCents` only feeds the informational
 * `remainingCents` of answers that reserve nothing.
 */
export type KeyRecord = {
  id: string;
  tenantId: string;
  name: string;
  status: KeyStatus;
  scopes: string[];
  expiresAt: Date | null;
  /** Set when the secret is a rolled-away one: it verifies only before this instant. */
  graceEndsAt: Date | null;
  limits: { window: RateLimitWindow; limit: number }[];
  budget: { limitCents: number; period: BudgetPeriod } | null;
  lastKnownSpentCents: number;
  lastKnownPeriodStart: Date | null;
  meta: unknown;
  isIpAllowed: (ip: string) => boolean;
  hasIpAllowlist: boolean;
  isEndpointAllowed: (endpoint: string | undefined) => boolean;
  isResourceAllowed: (resource: string | undefined) => boolean;
  hasScope: (required: string) => boolean;
};

const keySelect = {
  id: true,
  tenantId: true,
  name: true,
  status: true,
  scopes: true,
  expiresAt: true,
  rateLimitPerMinute: true,
  rateLimitPerHour: true,
  rateLimitPerDay: true,
  budgetCents: true,
  budgetPeriod: true,
  budgetSpentCents: true,
  budgetPeriodStart: true,
  ipAllowlist: true,
  allowedEndpoints: true,
  allowedResources: true,
  metadata: true,
} as const;

type KeyRow = {
  id: string;
  tenantId: string;
  name: string;
  status: KeyStatus;
  scopes: string[];
  expiresAt: Date | null;
  rateLimitPerMinute: number | null;
  rateLimitPerHour: number | null;
  rateLimitPerDay: number | null;
  budgetCents: number | null;
  budgetPeriod: BudgetPeriod | null;
  budgetSpentCents: number;
  budgetPeriodStart: Date | null;
  ipAllowlist: string[];
  allowedEndpoints: string[];
  allowedResources: string[];
  metadata: unknown;
};

function limitsOf(row: KeyRow): KeyRecord["limits"] {
  const limits: KeyRecord["limits"] = [];
  if (row.rateLimitPerMinute !== null)
    limits.push({ window: "minute", limit: row.rateLimitPerMinute });
  if (row.rateLimitPerHour !== null) limits.push({ window: "hour", limit: row.rateLimitPerHour });
  if (row.rateLimitPerDay !== null) limits.push({ window: "day", limit: row.rateLimitPerDay });
  return limits;
}

export function toKeyRecord(row: KeyRow, graceEndsAt: Date | null): KeyRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    status: row.status,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    graceEndsAt,
    limits: limitsOf(row),
    // A budget without a period cannot be enforced consistently; create/update refuse
    // it, and the reservation SQL treats it as TOTAL, so do the same here.
    budget:
      row.budgetCents === null
        ? null
        : { limitCents: row.budgetCents, period: row.budgetPeriod ?? "TOTAL" },
    lastKnownSpentCents: row.budgetSpentCents,
    lastKnownPeriodStart: row.budgetPeriodStart,
    meta: row.metadata ?? null,
    isIpAllowed: compileIpAllowlist(row.ipAllowlist),
    hasIpAllowlist: row.ipAllowlist.length > 0,
    isEndpointAllowed: compileEndpointPatterns(row.allowedEndpoints),
    isResourceAllowed: compileResourceMatcher(row.allowedResources),
    hasScope: compileScopes(row.scopes),
  };
}

/**
 * Finds the key a secret hash belongs to: the current secret first, then a rolled-away
 * secret. A retired secret is returned whatever its grace end; the engine compares
 * `graceEndsAt` with the time of each call, so a cached entry cannot outlive the grace.
 * Returns null for an unknown hash. Throws when the database cannot be reached.
 */
export async function loadKeyRecord(hash: string): Promise<KeyRecord | null> {
  const client = db();
  const current = await client.apiKey.findUnique({ where: { hash }, select: keySelect });
  if (current) return toKeyRecord(current, null);
  const retired = await client.retiredSecret.findUnique({
    where: { hash },
    select: { graceEndsAt: true, key: { select: keySelect } },
  });
  if (!retired) return null;
  return toKeyRecord(retired.key, retired.graceEndsAt);
}
