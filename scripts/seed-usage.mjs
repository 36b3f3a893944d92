#!/usr/bin/env node
// Seeds realistic synthetic usage for benchmarks and demos (`npm run db:seed-usage`):
//
//   npm run db:seed-usage -- [--tenant usage-demo] [--keys 1000] [--events 10000000]
//                            [--days 90] [--replace]
//
// Creates the tenant (slug, default "usage-demo") and API keys up to --keys if missing,
// then writes about --events usage events over the last --days days into UsageEvent and
// builds every rollup from them (per-key and tenant-wide minute/hour/day, per-key day
// totals, client IPs),
// plus budgets on a few keys and `lastUsedAt`. A tenant that already has usage is refused
// unless --replace (which deletes that tenant's usage first). Writes to the PostgreSQL in
// DATABASE_URL, or to the embedded PGlite under KEYPLANE_DATA_DIR (stop the app first).
//
// The shape: a daily cycle (busiest mid-afternoon UTC) and quieter weekends, slow growth
// over the period, Zipf-like popularity (a few keys carry most traffic), a few per cent
// denials of mixed reasons (mostly rate limits), reported cost and tokens on the "LLM"
// keys (about one key in five), budgets on about 3% of keys, unknown-key attempts, and
// three keys that look leaked: a burst from new IPs over the last hour with rate-limit
// denials, denials climbing over the last day, and a handful of new client IPs.
//
// Everything is set-based SQL: each day's events are one INSERT … SELECT over
// generate_series (keys × hours, then each cell expanded to its events), and each
// rollup is one INSERT … SELECT … GROUP BY over the raw events (days from hours).
// Minute rollups are built only for what retention keeps (KEYPLANE_USAGE_MINUTE_DAYS).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { dataDirectory, isEmbedded, migrate } from "./migrate.mjs";

function fail(message) {
  console.error(`\n${message}\n`);
  process.exit(1);
}

export function options(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string", short: "t" },
      keys: { type: "string", short: "k" },
      events: { type: "string", short: "n" },
      days: { type: "string", short: "d" },
      replace: { type: "boolean" },
    },
  });
  const number = (value, fallback, min, max, name) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      fail(
        `--${name} must be a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}.`,
      );
    }
    return n;
  };
  const slug = values.tenant ?? "usage-demo";
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) fail("--tenant must be a slug (a-z, 0-9, -).");
  return {
    slug,
    keys: number(values.keys, 1_000, 10, 100_000, "keys"),
    events: number(values.events, 10_000_000, 1_000, 200_000_000, "events"),
    days: number(values.days, 90, 2, 400, "days"),
    replace: values.replace === true,
  };
}

async function connect() {
  if (!isEmbedded()) {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    return { query: (sql, params) => client.query(sql, params), close: () => client.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const database = new PGlite(path.join(dataDirectory(), "pglite"));
  await database.waitReady;
  return { query: (sql, params) => database.query(sql, params), close: () => database.close() };
}

const newId = () => `c${randomBytes(12).toString("hex")}`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function step(label, work) {
  const started = Date.now();
  const result = await work();
  const rows = typeof result === "number" ? `${result.toLocaleString("en-US")} rows, ` : "";
  console.log(`  ${label.padEnd(44)} ${rows}${seconds(Date.now() - started)}`);
  return result;
}

async function resolveTenant(db, slug) {
  const { rows } = await db.query(
    `INSERT INTO "Tenant" ("id", "slug", "name", "updatedAt") VALUES ($1, $2, $3, now())
     ON CONFLICT ("slug") DO UPDATE SET "slug" = EXCLUDED."slug"
     RETURNING "id", "keyPrefix"`,
    [newId(), slug, slug === "usage-demo" ? "Usage demo" : slug],
  );
  return rows[0];
}

const WORDS = ["checkout", "search", "billing", "mobile", "partner", "etl", "support", "llm"];

async function ensureKeys(db, tenant, count) {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM "ApiKey" WHERE "tenantId" = $1`, [
    tenant.id,
  ]);
  const missing = count - rows[0].n;
  if (missing <= 0) return 0;
  const salt = randomBytes(6).toString("hex");
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const char = (i) => `substr('${alphabet}', 1 + get_byte(d, ${i}) % 62, 1)`;
  await db.query(
    `INSERT INTO "ApiKey" ("id", "tenantId", "name", "description", "hash", "start", "last4",
       "scopes", "tags", "createdAt", "updatedAt")
     SELECT 'c' || $3 || lpad(g::text, 8, '0'), $1,
       (ARRAY[${WORDS.map((w) => `'${w}'`).join(", ")}])[1 + g % ${WORDS.length}] || '-' || g,
       'Seeded usage demo key',
       encode(sha256(convert_to($3 || ':hash:' || g, 'UTF8')), 'hex'),
       $4 || '_' || ${char(0)} || ${char(1)} || ${char(2)} || ${char(3)},
       ${char(4)} || ${char(5)} || ${char(6)} || ${char(7)},
       ARRAY['orders:read'], ARRAY['seeded'],
       (now() AT TIME ZONE 'UTC') - interval '120 days' + g * interval '1 second', now() AT TIME ZONE 'UTC'
     FROM generate_series(1, $2::int) AS g, LATERAL (SELECT decode(md5($3 || g), 'hex') AS d) AS x`,
    [tenant.id, missing, salt, tenant.keyPrefix],
  );
  return missing;
}

async function deleteUsage(db, tenantId) {
  let total = 0;
  for (const table of [
    "UsageEvent",
    "UsageMinute",
    "UsageHour",
    "UsageDay",
    "UsageTenantMinute",
    "UsageTenantHour",
    "UsageTenantDay",
    "UsageKeyDay",
    "UsageClientIp",
  ]) {
    const result = await db.query(`DELETE FROM "${table}" WHERE "tenantId" = $1`, [tenantId]);
    total += result.rowCount ?? result.affectedRows ?? 0;
  }
  return total;
}

// Per-key traits, one row per key, in a temporary table: popularity (Zipf, s = 1.1,
// normalised to 1), size of its client IP pool, usual denial rate, whether it reports
// cost and tokens (LLM), and whether it has a budget. Keys are ranked by a hash of their
// id, so the busiest keys are spread over the list.
const KEY_TRAITS = `
CREATE TEMP TABLE seed_keys AS
WITH ranked AS (
  SELECT "id", row_number() OVER (ORDER BY md5("id" || $3)) AS rank
  FROM (SELECT "id" FROM "ApiKey" WHERE "tenantId" = $1 ORDER BY "createdAt", "id" LIMIT $2) k
), weighted AS (
  SELECT "id", rank, 1.0 / power(rank, 1.1) AS raw FROM ranked
)
SELECT "id", rank::int AS rank, raw / sum(raw) OVER () AS w,
  1 + (rank * 7) % 6 AS pool,
  0.01 + ((rank * 13) % 40) / 1000.0 AS deny,
  (rank % 5 = 2) AS llm,
  ((rank % 5 = 2 AND rank % 6 = 1) OR rank = 2) AS budget,
  rank % 3 AS ep
FROM weighted`;

// Weight of each hour in the period, normalised to 1: a daily cycle peaking around
// 14:00 UTC, weekends at 55%, and 40% growth from the first day to the last.
const HOUR_WEIGHTS = `
CREATE TEMP TABLE seed_hours AS
WITH h AS (
  SELECT t, (1.15 + sin(2 * pi() * (extract(hour FROM t) - 8) / 24))
    * (CASE WHEN extract(isodow FROM t) >= 6 THEN 0.55 ELSE 1 END)
    * (0.8 + 0.4 * extract(epoch FROM t - $1::timestamp) / extract(epoch FROM $2::timestamp - $1::timestamp)) AS raw
  FROM generate_series($1::timestamp, $2::timestamp - interval '1 hour', interval '1 hour') AS t
)
SELECT t, raw / sum(raw) OVER () AS w FROM h`;

const ENDPOINTS = ["/v1/orders", "/v1/orders/{id}", "/v1/search", "/v1/customers", "/v1/chat"];
const MODELS = ["gpt-small", "gpt-large", "embed-3"];
const list = (items) => `ARRAY[${items.map((i) => `'${i}'`).join(", ")}]`;

// One day of events: every (key, hour) cell gets about total × key weight × hour weight
// events (±20% noise, rounded at random so the expectation is exact), each at a random
// moment of its hour. Per event one random number picks the outcome: the key's denial
// rate splits into rate limits (55%), missing scopes, forbidden endpoints, expiry,
// budget exhaustion (budgeted keys) and suspension; an LLM key's events are 30% usage
// reports with cost and tokens.
const DAY_EVENTS = `
INSERT INTO "UsageEvent" ("tenantId", "keyId", "time", "kind", "outcome", "costCents", "tokens",
  "endpoint", "resource", "ip", "latencyUs")
SELECT $1, k."id", (h.t + r.at * interval '1 hour')::timestamp(3),
  (CASE WHEN k.llm AND r.o >= k.deny AND r.o < k.deny + 0.3 THEN 'REPORT' ELSE 'VERIFY' END)::"UsageKind",
  (CASE
     WHEN r.o >= k.deny THEN CASE WHEN k.llm AND r.o < k.deny + 0.3 THEN 'REPORTED' ELSE 'VALID' END
     WHEN r.o < k.deny * 0.55 THEN 'RATE_LIMITED'
     WHEN r.o < k.deny * 0.70 THEN 'INSUFFICIENT_SCOPES'
     WHEN r.o < k.deny * 0.80 THEN 'FORBIDDEN'
     WHEN r.o < k.deny * 0.88 THEN 'EXPIRED'
     WHEN r.o < k.deny * 0.95 THEN CASE WHEN k.budget THEN 'USAGE_EXCEEDED' ELSE 'RATE_LIMITED' END
     ELSE 'SUSPENDED' END)::"UsageOutcome",
  CASE WHEN k.llm AND r.o >= k.deny AND r.o < k.deny + 0.3 THEN 1 + floor(r.v * r.v * 60)::int ELSE 0 END,
  CASE WHEN k.llm AND r.o >= k.deny AND r.o < k.deny + 0.3 THEN 50 + floor(r.v * 6000)::int ELSE 0 END,
  (${list(ENDPOINTS)})[1 + k.ep + floor(r.v * 3)::int],
  CASE WHEN k.llm THEN (${list(MODELS)})[1 + floor(r.v * 3)::int] END,
  '10.' || (k.rank / 250) || '.' || (k.rank % 250) || '.' || (1 + floor(r.v * k.pool)::int),
  200 + floor(r.at * r.v * 4000)::int
FROM seed_keys k
CROSS JOIN seed_hours h
CROSS JOIN LATERAL generate_series(1, floor($2::float8 * k.w * h.w * (0.8 + 0.4 * random()) + random())::int) AS e
CROSS JOIN LATERAL (SELECT random() AS at, random() AS o, random() AS v, e) AS r
WHERE h.t >= $3::timestamp AND h.t < $4::timestamp`;

// Attempts with unknown keys (no keyId), about 0.3% of traffic.
const UNKNOWN_EVENTS = `
INSERT INTO "UsageEvent" ("tenantId", "keyId", "time", "kind", "outcome", "endpoint", "ip", "latencyUs")
SELECT $1, NULL, (h.t + random() * interval '1 hour')::timestamp(3), 'VERIFY', 'NOT_FOUND', '/v1/orders',
  '192.0.2.' || (1 + floor(random() * 200)::int), 150
FROM seed_hours h
CROSS JOIN LATERAL generate_series(1, floor($2::float8 * 0.003 * h.w + random())::int) AS e`;

// The leaked-looking keys, picked among moderately busy ones (ranks 40, 120, 300).
const LEAKS = `
WITH k AS (SELECT "id", rank FROM seed_keys WHERE rank IN (40, 120, 300))
INSERT INTO "UsageEvent" ("tenantId", "keyId", "time", "kind", "outcome", "endpoint", "ip", "latencyUs")
-- rank 40: a burst over the last 55 minutes from 40 addresses never seen, a quarter rate limited
SELECT $1, k."id", ($2::timestamp - random() * interval '55 minutes')::timestamp(3), 'VERIFY'::"UsageKind",
  (CASE WHEN g % 4 = 0 THEN 'RATE_LIMITED' ELSE 'VALID' END)::"UsageOutcome", '/v1/customers',
  '203.0.113.' || (1 + g % 40), 300
FROM k, generate_series(1, 2500) AS g WHERE k.rank = 40
UNION ALL
-- rank 120: denials climbing over the last day, from its usual addresses
SELECT $1, k."id", ($2::timestamp - power(random(), 2) * interval '24 hours')::timestamp(3), 'VERIFY'::"UsageKind",
  (CASE WHEN g % 3 = 0 THEN 'FORBIDDEN' ELSE 'INSUFFICIENT_SCOPES' END)::"UsageOutcome", '/v1/admin',
  '10.' || (k.rank / 250) || '.' || (k.rank % 250) || '.1', 250
FROM k, generate_series(1, 800) AS g WHERE k.rank = 120
UNION ALL
-- rank 300: a dozen new client addresses over the last 20 hours
SELECT $1, k."id", ($2::timestamp - random() * interval '20 hours')::timestamp(3), 'VERIFY'::"UsageKind", 'VALID'::"UsageOutcome",
  '/v1/orders', '198.51.100.' || (10 + g % 12), 250
FROM k, generate_series(1, 240) AS g WHERE k.rank = 300`;

// The tenant is one value: grouping by it too would only make the hash keys longer.
// Rows go in in time order, as the flushes of a running app write them, so a range of
// buckets sits in neighbouring pages rather than spread over the whole table.
const rollupKey = (table, unit, sinceParam) => `
INSERT INTO "${table}" ("tenantId", "keyId", "bucket", "outcome", "count", "costCents", "tokens")
SELECT $1, COALESCE("keyId", ''), date_trunc('${unit}', "time"), "outcome", count(*), sum("costCents"), sum("tokens")
FROM "UsageEvent" WHERE "tenantId" = $1 ${sinceParam ? `AND "time" >= $2::timestamp` : ""}
GROUP BY 2, 3, 4 ORDER BY 3`;

const rollupTenant = (table, from) => `
INSERT INTO "${table}" ("tenantId", "bucket", "outcome", "count", "costCents", "tokens")
SELECT "tenantId", "bucket", "outcome", sum("count"), sum("costCents"), sum("tokens")
FROM "${from}" WHERE "tenantId" = $1 GROUP BY 1, 2, 3`;

// Per-key day totals over all outcomes, with the flush's definitions: requests are
// verifications (not REPORTED), denials the ones neither VALID nor REPORTED.
const KEY_DAYS = `
INSERT INTO "UsageKeyDay" ("tenantId", "keyId", "bucket", "requests", "denials", "costCents", "tokens")
SELECT "tenantId", "keyId", "bucket",
  COALESCE(sum("count") FILTER (WHERE "outcome" <> 'REPORTED'), 0),
  COALESCE(sum("count") FILTER (WHERE "outcome" NOT IN ('VALID', 'REPORTED')), 0),
  sum("costCents"), sum("tokens")
FROM "UsageDay" WHERE "tenantId" = $1 GROUP BY 1, 2, 3 ORDER BY 3`;

const CLIENT_IPS = `
INSERT INTO "UsageClientIp" ("tenantId", "keyId", "ip", "firstSeen", "lastSeen", "count")
SELECT "tenantId", "keyId", "ip", min("time"), max("time"), count(*)
FROM "UsageEvent" WHERE "tenantId" = $1 AND "keyId" IS NOT NULL AND "ip" IS NOT NULL
GROUP BY 1, 2, 3`;

// Budgets on the budgeted keys: half TOTAL, half MONTHLY; the spend is what the events
// cost in the budget's period, and the budget is 1.1–3× that (one key nearly spent).
const BUDGETS = `
WITH spend AS (
  SELECT k."id", k.rank,
    (CASE WHEN k.rank % 2 = 0 THEN 'TOTAL' ELSE 'MONTHLY' END) AS period,
    COALESCE(sum(d."costCents") FILTER (WHERE k.rank % 2 = 0 OR d."bucket" >= $2::timestamp), 0) AS spent
  FROM seed_keys k LEFT JOIN "UsageDay" d ON d."tenantId" = $1 AND d."keyId" = k."id"
  WHERE k.budget GROUP BY 1, 2
)
UPDATE "ApiKey" a SET
  "budgetPeriod" = s.period::"BudgetPeriod",
  "budgetSpentCents" = s.spent,
  "budgetPeriodStart" = CASE WHEN s.period = 'MONTHLY' THEN $2::timestamp ELSE a."createdAt" END,
  "budgetCents" = GREATEST(1000, ceil(s.spent * (CASE WHEN s.rank = 7 THEN 1.04 ELSE 1.1 + (s.rank % 10) / 5.0 END)))::int
FROM spend s WHERE a."id" = s."id"`;

// One index lookup per key through ("keyId", "time").
const LAST_USED = `
UPDATE "ApiKey" a SET "lastUsedAt" = (SELECT max("time") FROM "UsageEvent" e WHERE e."keyId" = a."id")
WHERE a."id" IN (SELECT "id" FROM seed_keys)`;

const rows = (result) => result.rowCount ?? result.affectedRows ?? 0;

export async function seedUsage(db, opts) {
  const started = Date.now();
  const DAY = 86_400_000;
  const minuteDays = Number(process.env.KEYPLANE_USAGE_MINUTE_DAYS ?? 14);
  const now = new Date();
  const end = new Date(now.getTime() - (now.getTime() % 3_600_000));
  const start = new Date(end.getTime() - opts.days * DAY);
  const iso = (d) => d.toISOString();
  console.log(
    `Seeding ~${opts.events.toLocaleString("en-US")} usage events for ${opts.keys.toLocaleString("en-US")} keys over ${opts.days} days (${iso(start)} … ${iso(now)})`,
  );
  const tenant = await step("tenant", () => resolveTenant(db, opts.slug));
  const { rows: existing } = await db.query(
    `SELECT EXISTS (SELECT 1 FROM "UsageEvent" WHERE "tenantId" = $1) AS "has"`,
    [tenant.id],
  );
  if (existing[0].has) {
    if (!opts.replace) {
      fail(`Tenant "${opts.slug}" already has usage. Pass --replace to delete it and seed again.`);
    }
    await step("delete the tenant's existing usage", () => deleteUsage(db, tenant.id));
  }
  await step("keys created", () => ensureKeys(db, tenant, opts.keys));
  await db.query("DROP TABLE IF EXISTS seed_keys");
  await db.query("DROP TABLE IF EXISTS seed_hours");
  // The planner cannot know the statements below are cheap per row; JIT compiling them
  // costs ~0.5 s each, more than a day of events takes to insert.
  await db.query("SET jit = off");
  // The rollups group millions of rows; in memory that is a hash, on disk a slow sort.
  await db.query("SET work_mem = '256MB'");
  await db.query(KEY_TRAITS, [tenant.id, opts.keys, randomBytes(4).toString("hex")]);
  await db.query(HOUR_WEIGHTS, [iso(start), iso(end)]);
  await db.query("ANALYZE seed_keys");
  await db.query("ANALYZE seed_hours");

  const rawStarted = Date.now();
  let total = 0;
  // Keyed events are about 99.7% of the total; the rest are unknown-key attempts.
  const keyed = opts.events * 0.997;
  for (let day = 0; day < opts.days; day++) {
    const from = new Date(start.getTime() + day * DAY);
    const to = new Date(from.getTime() + DAY);
    total += rows(await db.query(DAY_EVENTS, [tenant.id, keyed, iso(from), iso(to)]));
    if ((day + 1) % 10 === 0 || day + 1 === opts.days) {
      const elapsed = Date.now() - rawStarted;
      console.log(
        `  events: day ${day + 1}/${opts.days}, ${total.toLocaleString("en-US")} rows, ${seconds(elapsed)} (${Math.round(total / (elapsed / 1000)).toLocaleString("en-US")}/s)`,
      );
    }
  }
  total += await step("unknown-key attempts", async () =>
    rows(await db.query(UNKNOWN_EVENTS, [tenant.id, opts.events])),
  );
  total += await step("leaked-looking keys (ranks 40, 120, 300)", async () =>
    rows(await db.query(LEAKS, [tenant.id, iso(now)])),
  );
  await step("ANALYZE UsageEvent", () => db.query(`ANALYZE "UsageEvent"`).then(() => undefined));

  const since = (days) => iso(new Date(now.getTime() - days * DAY));
  await step(`UsageMinute (last ${minuteDays} days)`, async () =>
    rows(await db.query(rollupKey("UsageMinute", "minute", true), [tenant.id, since(minuteDays)])),
  );
  // Hours for the whole period, and days summed from the hours (a tenth of the rows to
  // read); the retention job trims hours older than KEYPLANE_USAGE_HOUR_DAYS later.
  await step("UsageHour", async () =>
    rows(await db.query(rollupKey("UsageHour", "hour", false), [tenant.id])),
  );
  await step("UsageDay (from UsageHour)", async () =>
    rows(
      await db.query(
        `INSERT INTO "UsageDay" ("tenantId", "keyId", "bucket", "outcome", "count", "costCents", "tokens")
         SELECT "tenantId", "keyId", date_trunc('day', "bucket"), "outcome", sum("count"), sum("costCents"), sum("tokens")
         FROM "UsageHour" WHERE "tenantId" = $1 GROUP BY 1, 2, 3, 4 ORDER BY 3`,
        [tenant.id],
      ),
    ),
  );
  await step("UsageTenantMinute", async () =>
    rows(await db.query(rollupTenant("UsageTenantMinute", "UsageMinute"), [tenant.id])),
  );
  await step("UsageTenantHour", async () =>
    rows(await db.query(rollupTenant("UsageTenantHour", "UsageHour"), [tenant.id])),
  );
  await step("UsageTenantDay", async () =>
    rows(await db.query(rollupTenant("UsageTenantDay", "UsageDay"), [tenant.id])),
  );
  await step("UsageKeyDay (from UsageDay)", async () =>
    rows(await db.query(KEY_DAYS, [tenant.id])),
  );
  await step("UsageClientIp", async () => rows(await db.query(CLIENT_IPS, [tenant.id])));
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  await step("budgets", async () => rows(await db.query(BUDGETS, [tenant.id, iso(monthStart)])));
  await step("lastUsedAt", async () => rows(await db.query(LAST_USED)));
  // VACUUM as well: it sets the visibility map and hint bits the bulk inserts left
  // unset, which otherwise makes the first weeks of chart queries pay for it.
  await step("VACUUM ANALYZE rollups", async () => {
    for (const table of [
      "UsageMinute",
      "UsageHour",
      "UsageDay",
      "UsageTenantMinute",
      "UsageTenantHour",
      "UsageTenantDay",
      "UsageKeyDay",
      "UsageClientIp",
      "ApiKey",
    ]) {
      await db.query(`VACUUM ANALYZE "${table}"`);
    }
  });
  await db.query("DROP TABLE seed_keys");
  await db.query("DROP TABLE seed_hours");
  const ms = Date.now() - started;
  console.log(
    `Seeded ${total.toLocaleString("en-US")} events into tenant "${opts.slug}" (${tenant.id}) in ${seconds(ms)}.`,
  );
  return { tenantId: tenant.id, events: total, ms };
}

async function main() {
  const opts = options();
  await migrate();
  const db = await connect();
  try {
    await seedUsage(db, opts);
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
}
