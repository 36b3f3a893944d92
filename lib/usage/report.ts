import "server-only";
import { db } from "@/lib/db";
import { hashKey, parseKey } from "@/lib/keys/format";
import { reservationRequestId } from "@/lib/verify/budget";
import { getKeyRecord } from "@/lib/verify/cache";
import { monthStartUtc } from "@/lib/verify/windows";
import { findVerifiedKeyId, recordUsage } from "./buffer";

/**
 * Usage reports (POST /api/v1/usage). A report is written synchronously, because its
 * answer says whether it counted: the unique (tenantId, requestId) index makes a second
 * report with the same requestId a no-op (ON CONFLICT DO NOTHING), on any instance.
 *
 * Settlement: when a verify reserved R cents under this requestId (its usage row carries
 * `reservation:<requestId>`, see lib/verify/budget.ts) and the report says the actual
 * cost is C, the key's spend moves by C − R, never below zero. Without a reservation the
 * report adds C. Insert and adjustment are one statement, so a duplicate report can
 * never adjust twice. A MONTHLY budget is not adjusted for a reservation made in an
 * earlier month: that month's budget is closed.
 *
 * Attribution: every report is stored under a key, so that the key's charts, "top keys
 * by cost" and its budget count it. The key is the one the report names (`key` or
 * `keyId`), or else the one whose verification answered with its requestId, found, in
 * this order, in: the verification's reservation row (a verify with `cost`, written
 * synchronously, so known to every instance at once); this instance's recent
 * verifications (recent-requests.ts: in memory, including those not flushed yet, so a
 * report sent right after its verification is attributed); an earlier report with the
 * same requestId (a replay, which then answers `recorded: false` as before). A
 * verification without `cost` is known only to the instance that answered it, for a
 * bounded time, because storing every verification's requestId would cost the usage
 * writer more than the rest of an event: a report that reaches another instance, or
 * comes much later, and names neither key nor keyId is refused (404 naming requestId,
 * telling the caller to send keyId, which the verification's answer carries). A report
 * is never stored under no key.
 */

export type UsageReportInput = {
  keyId?: string;
  key?: string;
  requestId: string;
  costCents: number;
  tokens: number;
  endpoint?: string;
  resource?: string;
};

export class UsageReportError extends Error {
  override readonly name = "UsageReportError";
  constructor(
    readonly status: 400 | 404,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const stale = (p: string) =>
  `("budgetPeriod" = 'MONTHLY' AND ("budgetPeriodStart" IS NULL OR "budgetPeriodStart" < ${p}::timestamp(3)))`;

const REPORT_SQL = `
WITH res AS (
  SELECT "keyId", "costCents", "time" FROM "UsageEvent"
  WHERE "tenantId" = $1 AND "requestId" = $2 AND "kind" = 'VERIFY' LIMIT 1
), ins AS (
  INSERT INTO "UsageEvent" ("tenantId", "keyId", "time", "kind", "outcome", "costCents", "tokens",
    "endpoint", "resource", "requestId")
  VALUES ($1, COALESCE((SELECT "keyId" FROM res), $3), $4::timestamp(3), 'REPORT', 'REPORTED',
    $5::int, $6::int, $7, $8, $9)
  ON CONFLICT ("tenantId", "requestId") WHERE "requestId" IS NOT NULL DO NOTHING
  RETURNING "keyId"
), upd AS (
  UPDATE "ApiKey" SET
    "budgetSpentCents" = GREATEST(0,
      (CASE WHEN ${stale("$10")} THEN 0 ELSE "budgetSpentCents" END)::bigint + $5::bigint
        - COALESCE((SELECT "costCents" FROM res), 0)),
    "budgetPeriodStart" = CASE WHEN ${stale("$10")} THEN $10::timestamp(3) ELSE "budgetPeriodStart" END
  WHERE "id" = (SELECT "keyId" FROM ins) AND "tenantId" = $1 AND "budgetCents" IS NOT NULL
    AND NOT ("budgetPeriod" = 'MONTHLY' AND EXISTS (SELECT 1 FROM res WHERE "time" < $10::timestamp(3)))
  RETURNING "id"
)
SELECT (SELECT count(*) FROM ins)::int AS "recorded",
  (SELECT "keyId" FROM ins) AS "keyId",
  COALESCE((SELECT "costCents" FROM res), 0)::int AS "reservedCents"`;

const UNKNOWN_REQUEST_ID =
  "requestId: no verification of this tenant answered with this requestId recently on this instance; send keyId (the verification's keyId) with the report";
const OTHER_KEY = "requestId: belongs to a verification of another key";

/** The key a report names, or null when it names none. */
async function namedKeyId(tenantId: string, input: UsageReportInput): Promise<string | null> {
  if (input.key !== undefined) {
    const record = parseKey(input.key) === null ? null : await getKeyRecord(hashKey(input.key));
    if (record === null || record.tenantId !== tenantId) {
      throw new UsageReportError(404, "key", "key: no such key");
    }
    return record.id;
  }
  if (input.keyId !== undefined) {
    const key = await db().apiKey.findFirst({
      where: { id: input.keyId, tenantId },
      select: { id: true },
    });
    if (!key) throw new UsageReportError(404, "keyId", "keyId: no such key");
    return key.id;
  }
  return null;
}

async function isKeyOfTenant(tenantId: string, keyId: string): Promise<boolean> {
  const key = await db().apiKey.findFirst({ where: { id: keyId, tenantId }, select: { id: true } });
  return key !== null;
}

/**
 * The key a report counts for (see Attribution above). `reservedKeyId` is the key of the
 * verification's reservation in this tenant, when there is one.
 */
async function attributeReport(
  tenantId: string,
  input: UsageReportInput,
  reservedKeyId: string | null,
): Promise<string> {
  const named = await namedKeyId(tenantId, input);
  const verified = reservedKeyId ?? findVerifiedKeyId(input.requestId) ?? null;
  if (named !== null) {
    // The verification names its key; a report for another key must not settle or count
    // against it.
    if (verified !== null && verified !== named) {
      throw new UsageReportError(400, "requestId", OTHER_KEY);
    }
    return named;
  }
  // A verification on this instance may belong to another tenant: only a key of the
  // caller's tenant counts.
  if (
    verified !== null &&
    (verified === reservedKeyId || (await isKeyOfTenant(tenantId, verified)))
  )
    return verified;
  const earlier = await db().usageEvent.findUnique({
    where: { tenantId_requestId: { tenantId, requestId: input.requestId } },
    select: { keyId: true },
  });
  if (earlier?.keyId) return earlier.keyId;
  throw new UsageReportError(404, "requestId", UNKNOWN_REQUEST_ID);
}

export async function recordUsageReport(
  ctx: { tenantId: string },
  input: UsageReportInput,
  options: { now?: number } = {},
): Promise<{ recorded: boolean }> {
  const now = options.now ?? Date.now();
  const reservationId = reservationRequestId(input.requestId);
  const reservation = await db().usageEvent.findUnique({
    where: { tenantId_requestId: { tenantId: ctx.tenantId, requestId: reservationId } },
    select: { keyId: true },
  });
  const keyId = await attributeReport(ctx.tenantId, input, reservation?.keyId ?? null);
  const rows = await db().$queryRawUnsafe<
    { recorded: number; keyId: string | null; reservedCents: number }[]
  >(
    REPORT_SQL,
    ctx.tenantId,
    reservationId,
    keyId,
    new Date(now).toISOString(),
    input.costCents,
    input.tokens,
    input.endpoint ?? null,
    input.resource ?? null,
    input.requestId,
    new Date(monthStartUtc(now)).toISOString(),
  );
  const row = rows[0];
  const recorded = row !== undefined && row.recorded > 0;
  if (recorded) {
    recordUsage({
      tenantId: ctx.tenantId,
      keyId: row.keyId,
      time: now,
      kind: "REPORT",
      outcome: "REPORTED",
      costCents: input.costCents,
      tokens: input.tokens,
      endpoint: input.endpoint ?? null,
      resource: input.resource ?? null,
      ip: null,
      latencyUs: null,
      requestId: input.requestId,
      rollupCostCents: input.costCents - row.reservedCents,
      persisted: true,
    });
  }
  return { recorded };
}
