import "server-only";
import { db } from "@/lib/db";
import type { BudgetPeriod, KeyStatus } from "@/lib/generated/prisma/enums";
import { effectiveSpent } from "./spent";
import { monthStartUtc } from "./windows";

/**
 * Budget reservations are decided by PostgreSQL, not by a cache or Redis: one
 * conditional UPDATE adds the cost only if the result stays within the budget. Row
 * locking serialises concurrent reservations for one key, on one instance or many, so
 * the spend is exact and the remaining budget never goes below zero. A MONTHLY budget
 * whose period started before the current UTC month is reset inside the same statement.
 *
 * The same statement also inserts the VALID usage event that carries the reservation
 * (`requestId` = `reservationRequestId(id)`, `costCents` = the amount reserved), so the
 * usage report can settle against it at once and from any instance, without waiting for
 * the usage buffer and without a table of its own. The UPDATE also requires the key to
 * be ACTIVE, so a budgeted call is exact even against a revocation that this instance's
 * cache has not heard of yet.
 */

export type Reservation = {
  tenantId: string;
  keyId: string;
  costCents: number;
  requestId: string;
  time: number;
  endpoint: string | null;
  resource: string | null;
  ip: string | null;
};

export type ReserveResult =
  | { outcome: "reserved"; limitCents: number; spentCents: number }
  | { outcome: "exceeded"; limitCents: number; spentCents: number }
  | { outcome: "inactive"; status: KeyStatus }
  | { outcome: "no-budget" }
  | { outcome: "missing" };

/** Stored requestId of a reservation; prefixed so it never collides with a report's. */
export function reservationRequestId(requestId: string): string {
  return `reservation:${requestId}`;
}

// The period is stale when a MONTHLY budget still counts a month that has ended.
const STALE = `("budgetPeriod" = 'MONTHLY' AND ("budgetPeriodStart" IS NULL OR "budgetPeriodStart" < $4::timestamp(3)))`;
const EFFECTIVE_SPENT = `(CASE WHEN ${STALE} THEN 0 ELSE "budgetSpentCents" END)`;

const RESERVE_SQL = `
WITH upd AS (
  UPDATE "ApiKey" SET
    "budgetSpentCents" = ${EFFECTIVE_SPENT} + $3::int,
    "budgetPeriodStart" = CASE WHEN ${STALE} THEN $4::timestamp(3) ELSE "budgetPeriodStart" END
  WHERE "id" = $1 AND "tenantId" = $2 AND "status" = 'ACTIVE' AND "budgetCents" IS NOT NULL
    AND ${EFFECTIVE_SPENT}::bigint + $3::bigint <= "budgetCents"
  RETURNING "id", "tenantId", "budgetCents", "budgetSpentCents"
), ins AS (
  INSERT INTO "UsageEvent" ("tenantId", "keyId", "time", "kind", "outcome", "costCents",
    "endpoint", "resource", "ip", "requestId")
  SELECT "tenantId", "id", $5::timestamp(3), 'VERIFY', 'VALID', $3::int, $6, $7, $8, $9 FROM upd
)
SELECT "budgetCents", "budgetSpentCents" FROM upd`;

type BudgetRow = { budgetCents: number | null; budgetSpentCents: number };
type KeyBudgetRow = BudgetRow & {
  budgetPeriod: BudgetPeriod | null;
  budgetPeriodStart: Date | null;
  status: KeyStatus;
};

export async function reserveBudget(r: Reservation): Promise<ReserveResult> {
  const client = db();
  const monthStart = new Date(monthStartUtc(r.time)).toISOString();
  const rows = await client.$queryRawUnsafe<BudgetRow[]>(
    RESERVE_SQL,
    r.keyId,
    r.tenantId,
    r.costCents,
    monthStart,
    new Date(r.time).toISOString(),
    r.endpoint,
    r.resource,
    r.ip,
    reservationRequestId(r.requestId),
  );
  const row = rows[0];
  if (row && row.budgetCents !== null) {
    return { outcome: "reserved", limitCents: row.budgetCents, spentCents: row.budgetSpentCents };
  }
  // Denied: read why. Only the denied path pays for this second query.
  const key = await client.apiKey.findFirst({
    where: { id: r.keyId, tenantId: r.tenantId },
    select: {
      budgetCents: true,
      budgetSpentCents: true,
      budgetPeriod: true,
      budgetPeriodStart: true,
      status: true,
    },
  });
  const current: KeyBudgetRow | null = key;
  if (!current) return { outcome: "missing" };
  if (current.status !== "ACTIVE") return { outcome: "inactive", status: current.status };
  if (current.budgetCents === null) return { outcome: "no-budget" };
  const spent = effectiveSpent(
    current.budgetSpentCents,
    current.budgetPeriod,
    current.budgetPeriodStart,
    r.time,
  );
  return { outcome: "exceeded", limitCents: current.budgetCents, spentCents: spent };
}
