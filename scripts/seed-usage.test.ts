import pg from "pg";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DAY_MS } from "@/lib/usage/range";
import { signals } from "@/lib/usage/signals";
import { setupTestDatabase, testsUsePostgres } from "@/lib/testing/database";
import { seedUsage } from "./seed-usage.mjs";

// The seeder on a small data set: its rollups equal the raw events exactly, its shape is
// the advertised one, and the leaked-looking keys raise the signals a person would see.
// PostgreSQL only (the seeder talks to the database through its own client).

const database = setupTestDatabase();

const TABLES = [
  ["UsageMinute", "minute", true],
  ["UsageHour", "hour", true],
  ["UsageDay", "day", true],
  ["UsageTenantMinute", "minute", false],
  ["UsageTenantHour", "hour", false],
  ["UsageTenantDay", "day", false],
] as const;

describe.runIf(testsUsePostgres)("seed-usage", () => {
  it("seeds events, rollups equal to them, budgets and leak signals", async () => {
    const client = new pg.Client({ connectionString: database().url });
    await client.connect();
    let tenantId: string;
    try {
      const quiet = console.log;
      console.log = () => {};
      try {
        ({ tenantId } = await seedUsage(client, {
          slug: "seed-test",
          keys: 400,
          events: 60_000,
          days: 10,
          replace: false,
        }));
      } finally {
        console.log = quiet;
      }
    } finally {
      await client.end();
    }
    const events = await db().usageEvent.count({ where: { tenantId } });
    expect(events).toBeGreaterThan(55_000);
    expect(events).toBeLessThan(66_000);

    const minuteFrom = new Date(Date.now() - 14 * DAY_MS);
    for (const [table, unit, perKey] of TABLES) {
      const key = perKey ? `COALESCE("keyId", '') AS "keyId",` : "";
      const raw = await db().$queryRawUnsafe<unknown[]>(
        `SELECT ${key} date_trunc('${unit}', "time") AS "bucket", "outcome"::text AS "outcome",
           count(*)::int8 AS "count", sum("costCents")::int8 AS "cost", sum("tokens")::int8 AS "tokens"
         FROM "UsageEvent" WHERE "tenantId" = $1 ${unit === "minute" ? `AND "time" >= $2` : "AND $2::timestamp IS NOT NULL"}
         GROUP BY ${perKey ? "1, 2, 3" : "1, 2"} ORDER BY ${perKey ? "1, 2, 3" : "1, 2"}`,
        tenantId,
        minuteFrom,
      );
      const stored = await db().$queryRawUnsafe<unknown[]>(
        `SELECT ${perKey ? `"keyId",` : ""} "bucket", "outcome"::text AS "outcome", "count"::int8 AS "count",
           "costCents"::int8 AS "cost", "tokens"::int8 AS "tokens"
         FROM "${table}" WHERE "tenantId" = $1 ${unit === "minute" ? `AND "bucket" >= date_trunc('minute', $2::timestamp)` : "AND $2::timestamp IS NOT NULL"}
         ORDER BY ${perKey ? "1, 2, 3" : "1, 2"}`,
        tenantId,
        minuteFrom,
      );
      expect(stored.length, table).toBeGreaterThan(0);
      expect(
        JSON.stringify(stored, (_, v) => (typeof v === "bigint" ? Number(v) : v)),
        table,
      ).toBe(JSON.stringify(raw, (_, v) => (typeof v === "bigint" ? Number(v) : v)));
    }

    // Per-key day totals over all outcomes, with the charts' definitions.
    const keyDaysRaw = await db().$queryRawUnsafe<unknown[]>(
      `SELECT COALESCE("keyId", '') AS "keyId", date_trunc('day', "time") AS "bucket",
         count(*) FILTER (WHERE "outcome" <> 'REPORTED')::int8 AS "requests",
         count(*) FILTER (WHERE "outcome" NOT IN ('VALID', 'REPORTED'))::int8 AS "denials",
         sum("costCents")::int8 AS "cost", sum("tokens")::int8 AS "tokens"
       FROM "UsageEvent" WHERE "tenantId" = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      tenantId,
    );
    const keyDaysStored = await db().$queryRawUnsafe<unknown[]>(
      `SELECT "keyId", "bucket", "requests"::int8 AS "requests", "denials"::int8 AS "denials",
         "costCents"::int8 AS "cost", "tokens"::int8 AS "tokens"
       FROM "UsageKeyDay" WHERE "tenantId" = $1 ORDER BY 1, 2`,
      tenantId,
    );
    expect(keyDaysStored.length).toBeGreaterThan(0);
    expect(
      JSON.stringify(keyDaysStored, (_, v) => (typeof v === "bigint" ? Number(v) : v)),
      "UsageKeyDay",
    ).toBe(JSON.stringify(keyDaysRaw, (_, v) => (typeof v === "bigint" ? Number(v) : v)));

    const [shape] = await db().$queryRawUnsafe<
      { denials: number; reports: number; unknown: number; keysWithUsage: number }[]
    >(
      `SELECT avg(("outcome" NOT IN ('VALID', 'REPORTED'))::int)::float8 AS "denials",
              avg(("kind" = 'REPORT')::int)::float8 AS "reports",
              avg(("keyId" IS NULL)::int)::float8 AS "unknown",
              count(DISTINCT "keyId")::int AS "keysWithUsage"
       FROM "UsageEvent" WHERE "tenantId" = $1`,
      tenantId,
    );
    expect(shape?.denials).toBeGreaterThan(0.01);
    expect(shape?.denials).toBeLessThan(0.1);
    expect(shape?.reports).toBeGreaterThan(0.02);
    expect(shape?.unknown).toBeGreaterThan(0);
    const budgets = await db().apiKey.count({ where: { tenantId, budgetCents: { not: null } } });
    expect(budgets).toBeGreaterThanOrEqual(5);

    const tenant = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const found = await signals({
      tenantId,
      tenantSlug: tenant.slug,
      tenantName: tenant.name,
      role: "VIEWER",
      actor: { type: "USER", id: "test", label: "test" },
    });
    expect(new Set(found.map((s) => s.kind))).toEqual(
      new Set(["spike", "new_ips", "denials_rising"]),
    );
    // Summaries name outcomes as the charts do, never by their codes.
    // The burst of the rank 40 key is a quarter rate limited; the rank 120 key's climbing
    // denials are mostly missing scopes.
    const reasons = found
      .filter((s) => s.kind === "denials_rising")
      .map(
        (s) =>
          /^[\d,]+ denials in the last 24 hours, mostly ([^;]+); ([\d.]+× its usual [\d,]+ a day|it had almost none in the 7 days before)\.$/.exec(
            s.summary,
          )?.[1],
      );
    expect(reasons).not.toContain(undefined);
    expect(reasons).toEqual(expect.arrayContaining(["insufficient scopes", "rate limited"]));
    for (const s of found) expect(s.summary).not.toMatch(/[A-Z]+_[A-Z]+/);
  });
});
