#!/usr/bin/env node
// Seeds many API keys into one tenant for benchmarks and for trying the keys page at scale:
//
//   node scripts/seed-keys.mjs [--count 100000] [--tenant <slug>]
//
// Without --tenant it uses (or creates) a tenant with the slug "bench". It writes to the
// PostgreSQL in DATABASE_URL, or to the embedded PGlite database under KEYPLANE_DATA_DIR
// (default .data/) when DATABASE_URL is unset; PGlite allows one process per directory,
// so stop the app first.
//
// Every row is produced by one set-based INSERT … SELECT … FROM generate_series, so the
// database does the work and 100k keys take seconds, not minutes. The keys are not
// usable secrets: each hash is the SHA-256 of a random seed string that is never shown,
// so no plaintext exists anywhere. They only have to look like real keys to the list,
// its filters and its indexes.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { dataDirectory, isEmbedded, migrate } from "./migrate.mjs";

const SCOPES = [
  ["orders:read", "Read orders"],
  ["orders:write", "Create and change orders"],
  ["customers:read", "Read customers"],
  ["customers:write", "Change customers"],
  ["billing:read", "Read invoices"],
  ["billing:write", "Issue refunds"],
  ["reports:read", "Download reports"],
  ["models:invoke", "Call language models"],
];
const TAGS = ["prod", "staging", "dev", "ci", "mobile", "web", "partner", "internal", "batch"];
const WORDS = ["checkout", "search", "billing", "mobile", "partner", "etl", "ci", "support"];

function fail(message) {
  console.error(`\n${message}\n`);
  process.exit(1);
}

function options() {
  const { values } = parseArgs({
    options: { count: { type: "string", short: "n" }, tenant: { type: "string", short: "t" } },
  });
  const count = values.count === undefined ? 100_000 : Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 5_000_000) {
    fail("--count must be a whole number from 1 to 5,000,000.");
  }
  return { count, slug: values.tenant };
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

// A cuid-shaped id is not required (ids are opaque strings); a random one per row keeps
// them unique across repeated runs against the same database.
function newId() {
  return `c${randomBytes(12).toString("hex")}`;
}

async function resolveTenant(database, slug) {
  if (slug) {
    const { rows } = await database.query(
      `SELECT "id", "keyPrefix" FROM "Tenant" WHERE "slug" = $1`,
      [slug],
    );
    if (rows.length === 0) fail(`No tenant with the slug "${slug}".`);
    return rows[0];
  }
  const { rows } = await database.query(
    `INSERT INTO "Tenant" ("id", "slug", "name", "updatedAt") VALUES ($1, 'bench', 'Bench', now())
     ON CONFLICT ("slug") DO UPDATE SET "slug" = EXCLUDED."slug"
     RETURNING "id", "keyPrefix"`,
    [newId()],
  );
  return rows[0];
}

async function seedScopes(database, tenantId) {
  for (const [name, description] of SCOPES) {
    await database.query(
      `INSERT INTO "ScopeDefinition" ("id", "tenantId", "name", "description")
       VALUES ($1, $2, $3, $4) ON CONFLICT ("tenantId", "name") DO NOTHING`,
      [newId(), tenantId, name, description],
    );
  }
}

// Per row, a few pseudo-random numbers come from one MD5 of the row number and a per-run
// salt, so the spread is realistic and one statement produces it all. The array columns
// are built with array_remove(ARRAY[CASE …], NULL) rather than subqueries, which keeps
// the statement cheap per row.
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const char = (byte) => `substr('${ALPHABET}', 1 + get_byte(digest, ${byte}) % 62, 1)`;
// The lists are this script's own constants, so they are written into the statement as
// literals: indexing a bound array parameter per row costs about ten times as much.
const literal = (text) => `'${text.replaceAll("'", "''")}'`;
const choose = (list, bits) =>
  `array_remove(ARRAY[${list
    .map((item, i) => `CASE WHEN (${bits} >> ${i}) & 3 = 0 THEN ${literal(item)} END`)
    .join(", ")}], NULL)`;
const nameWord = `(ARRAY[${WORDS.map(literal).join(", ")}])[1 + h1 % ${WORDS.length}]`;

const INSERT_KEYS = `
WITH base AS (
  SELECT g, digest,
         (get_byte(digest, 8) << 8 | get_byte(digest, 9)) AS h1,
         (get_byte(digest, 10) << 8 | get_byte(digest, 11)) AS h2,
         (get_byte(digest, 12) << 8 | get_byte(digest, 13)) AS h3,
         (get_byte(digest, 14) << 8 | get_byte(digest, 15)) AS h4,
         now() - (random() * interval '365 days') AS created
  FROM generate_series(1, $2::int) AS g,
       LATERAL (SELECT decode(md5($3 || ':' || g), 'hex') AS digest) AS d
), shaped AS (
  SELECT b.*, h1 % 100 AS status_roll, h2 % 100 AS expiry_roll, h3 % 100 AS usage_roll,
         h4 % 100 AS budget_roll, 1000 + (h3 % 100) * 1000 AS budget
  FROM base b
)
INSERT INTO "ApiKey" (
  "id", "tenantId", "name", "description", "hash", "start", "last4", "status", "scopes", "tags",
  "expiresAt", "rateLimitPerMinute", "rateLimitPerDay", "budgetCents", "budgetPeriod",
  "budgetSpentCents", "budgetPeriodStart", "lastUsedAt", "suspendedAt", "revokedAt",
  "revokedReason", "createdAt", "updatedAt")
SELECT
  'c' || $3 || lpad(g::text, 8, '0'),
  $1,
  ${nameWord} || '-' || g,
  CASE WHEN h2 % 3 = 0 THEN 'Seeded for benchmarks' ELSE '' END,
  encode(sha256(convert_to($3 || ':hash:' || g, 'UTF8')), 'hex'),
  $4 || '_' || ${char(0)} || ${char(1)} || ${char(2)} || ${char(3)},
  ${char(4)} || ${char(5)} || ${char(6)} || ${char(7)},
  (CASE WHEN status_roll < 85 THEN 'ACTIVE' WHEN status_roll < 93 THEN 'SUSPENDED' ELSE 'REVOKED' END)::"KeyStatus",
  ${choose(
    SCOPES.map(([name]) => name),
    "h3",
  )},
  ${choose(TAGS, "h4")},
  CASE WHEN expiry_roll < 40 THEN NULL ELSE created + ((30 + h2 % 400) || ' days')::interval END,
  CASE WHEN h1 % 2 = 0 THEN (ARRAY[60, 600, 6000])[1 + h2 % 3] END,
  CASE WHEN h1 % 5 = 0 THEN 100000 END,
  CASE WHEN budget_roll < 30 THEN budget END,
  (CASE WHEN budget_roll < 15 THEN 'TOTAL' WHEN budget_roll < 30 THEN 'MONTHLY' END)::"BudgetPeriod",
  CASE WHEN budget_roll < 30 THEN budget * (h4 % 110) / 100 ELSE 0 END,
  CASE WHEN budget_roll < 15 THEN created
       WHEN budget_roll < 30 THEN date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' END,
  CASE WHEN usage_roll < 25 THEN NULL ELSE created + random() * (now() - created) END,
  CASE WHEN status_roll >= 85 AND status_roll < 93 THEN created + random() * (now() - created) END,
  CASE WHEN status_roll >= 93 THEN created + random() * (now() - created) END,
  CASE WHEN status_roll >= 93 THEN 'Seeded as revoked' END,
  created,
  created
FROM shaped`;

async function main() {
  const { count, slug } = options();
  await migrate();
  const database = await connect();
  try {
    const started = Date.now();
    const tenant = await resolveTenant(database, slug);
    await seedScopes(database, tenant.id);
    const salt = randomBytes(8).toString("hex");
    const prefix = tenant.keyPrefix;
    // Batches keep each statement's memory bounded on PGlite; each is still set-based.
    const batch = 50_000;
    for (let done = 0; done < count; done += batch) {
      const size = Math.min(batch, count - done);
      await database.query(INSERT_KEYS, [tenant.id, size, `${salt}b${done}`, prefix]);
    }
    // Fresh statistics, so the planner picks the indexes the list query is built for.
    await database.query(`ANALYZE "ApiKey"`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `Seeded ${count.toLocaleString("en-US")} keys into tenant ${tenant.id} in ${seconds} s.`,
    );
  } finally {
    await database.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
}
