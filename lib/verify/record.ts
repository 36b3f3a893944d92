import "server-only";
import type pg from "pg";
import { db, pgPool } from "@/lib/db";
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

export const keySelect = {
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

export type KeyRow = {
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

export const KEY_COLUMNS = [
  `k."id"`,
  `k."tenantId"`,
  `k."name"`,
  `k."status"::text AS "status"`,
  // Prisma writes an unset list as NULL and reads it as [].
  `COALESCE(k."scopes", '{}') AS "scopes"`,
  // Timestamps are stored without a zone, in UTC; read them as instants.
  `k."expiresAt" AT TIME ZONE 'UTC' AS "expiresAt"`,
  `k."rateLimitPerMinute"`,
  `k."rateLimitPerHour"`,
  `k."rateLimitPerDay"`,
  `k."budgetCents"`,
  `k."budgetPeriod"::text AS "budgetPeriod"`,
  `k."budgetSpentCents"`,
  `k."budgetPeriodStart" AT TIME ZONE 'UTC' AS "budgetPeriodStart"`,
  `COALESCE(k."ipAllowlist", '{}') AS "ipAllowlist"`,
  `COALESCE(k."allowedEndpoints", '{}') AS "allowedEndpoints"`,
  `COALESCE(k."allowedResources", '{}') AS "allowedResources"`,
  `k."metadata"`,
].join(", ");

/**
 * The current secret or a rolled-away one, in one round trip: both lookups are unique
 * index probes, and a hash belongs to at most one of them. Prepared once per connection.
 */
const KEY_RECORD_QUERY = {
  name: "keyplane_key_record",
  text: `SELECT ${KEY_COLUMNS}, NULL::timestamptz AS "graceEndsAt"
           FROM "ApiKey" k WHERE k."hash" = $1
         UNION ALL
         SELECT ${KEY_COLUMNS}, r."graceEndsAt" AT TIME ZONE 'UTC' AS "graceEndsAt"
           FROM "RetiredSecret" r JOIN "ApiKey" k ON k."id" = r."keyId" WHERE r."hash" = $1
         LIMIT 1`,
};

/**
 * Finds the key a secret hash belongs to: the current secret first, then a rolled-away
 * secret. A retired secret is returned whatever its grace end; the engine compares
 * `graceEndsAt` with the time of each call, so a cached entry cannot outlive the grace.
 * Returns null for an unknown hash. Throws when the database cannot be reached.
 *
 * On PostgreSQL this is one prepared statement on the pool (every cache miss runs it, and
 * Prisma's query path costs several times the database's work for a lookup this small);
 * on PGlite it goes through Prisma.
 */
export async function loadKeyRecord(hash: string): Promise<KeyRecord | null> {
  const pool = pgPool();
  return pool ? loadKeyRecordFromPool(pool, hash) : loadKeyRecordThroughPrisma(hash);
}

/** loadKeyRecord on a PostgreSQL pool (exported for the test that compares both). */
export async function loadKeyRecordFromPool(
  pool: pg.Pool,
  hash: string,
): Promise<KeyRecord | null> {
  const { rows } = await pool.query<KeyRow & { graceEndsAt: Date | null }>({
    ...KEY_RECORD_QUERY,
    values: [hash],
  });
  const row = rows[0];
  return row ? toKeyRecord(row, row.graceEndsAt) : null;
}

/** loadKeyRecord through Prisma (PGlite; exported for the test that compares both). */
export async function loadKeyRecordThroughPrisma(hash: string): Promise<KeyRecord | null> {
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
