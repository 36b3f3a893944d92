import "server-only";
import type pg from "pg";
import { db, pgPool } from "@/lib/db";
import { KEY_COLUMNS, type KeyRecord, type KeyRow, keySelect, toKeyRecord } from "./record";

/**
 * loadKeyRecord for many hashes in one round trip: the coalesced lookups of
 * coalesced-lookup.ts. Same answers as loadKeyRecord, hash by hash (a current secret, or
 * a rolled-away one with its grace end); a hash that is absent from the map is unknown.
 * Each hash is still one probe of a unique index; what the batch saves is the round
 * trip, the statement and the pool slot per key.
 */
const KEY_RECORDS_QUERY = {
  name: "keyplane_key_records",
  text: `SELECT ${KEY_COLUMNS}, NULL::timestamptz AS "graceEndsAt", k."hash" AS "lookupHash"
           FROM "ApiKey" k WHERE k."hash" = ANY($1::text[])
         UNION ALL
         SELECT ${KEY_COLUMNS}, r."graceEndsAt" AT TIME ZONE 'UTC' AS "graceEndsAt",
                r."hash" AS "lookupHash"
           FROM "RetiredSecret" r JOIN "ApiKey" k ON k."id" = r."keyId"
          WHERE r."hash" = ANY($1::text[])`,
};

export async function loadKeyRecords(hashes: readonly string[]): Promise<Map<string, KeyRecord>> {
  const pool = pgPool();
  return pool ? loadKeyRecordsFromPool(pool, hashes) : loadKeyRecordsThroughPrisma(hashes);
}

async function loadKeyRecordsFromPool(
  pool: pg.Pool,
  hashes: readonly string[],
): Promise<Map<string, KeyRecord>> {
  const { rows } = await pool.query<KeyRow & { graceEndsAt: Date | null; lookupHash: string }>({
    ...KEY_RECORDS_QUERY,
    values: [hashes],
  });
  const found = new Map<string, KeyRecord>();
  for (const row of rows) found.set(row.lookupHash, toKeyRecord(row, row.graceEndsAt));
  return found;
}

async function loadKeyRecordsThroughPrisma(
  hashes: readonly string[],
): Promise<Map<string, KeyRecord>> {
  const client = db();
  const list = [...hashes];
  const [current, retired] = await Promise.all([
    client.apiKey.findMany({
      where: { hash: { in: list } },
      select: { ...keySelect, hash: true },
    }),
    client.retiredSecret.findMany({
      where: { hash: { in: list } },
      select: { hash: true, graceEndsAt: true, key: { select: keySelect } },
    }),
  ]);
  const found = new Map<string, KeyRecord>();
  for (const row of current) found.set(row.hash, toKeyRecord(row, null));
  for (const row of retired) found.set(row.hash, toKeyRecord(row.key, row.graceEndsAt));
  return found;
}
