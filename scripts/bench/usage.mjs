// The usage charts section of `npm run bench`: seeds the usage data set (10M events,
// 1,000 keys, 90 days; scripts/seed-usage.mjs) and times every chart query
// (scripts/bench/usage-charts.ts).
//
// Seeding takes minutes, so on PostgreSQL the data set lives in a database of its own,
// BENCH_USAGE_DB (default kp_bench_usage) on the DATABASE_URL server, and is reused while
// it is fresh: the right size and seeded within the last BENCH_USAGE_MAX_AGE_HOURS (6).
// Older data would shift out of the 30-day window and lose its recent leak signals, so
// it is dropped and seeded again. A reused data set is migrated first; a migration that
// adds a rollup fills it from the existing ones, and if a rollup the charts read is still
// empty for the tenant after that, the data set is seeded again. On PGlite it is seeded into the run's temporary
// database, with BENCH_USAGE_EVENTS defaulting to 1,000,000 there.
import pg from "pg";

const TENANT = "bench-usage";

async function freshEnough(url, events, maxAgeHours) {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return false;
  }
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM "UsageEvent" WHERE "tenantId" = t."id")::int8 AS "events",
              extract(epoch FROM (now() AT TIME ZONE 'UTC')
                - (SELECT max("time") FROM "UsageEvent" WHERE "tenantId" = t."id")) / 3600 AS "ageHours"
       FROM "Tenant" t WHERE t."slug" = $1`,
      [TENANT],
    );
    const row = rows[0];
    if (!row || row.ageHours === null) return false;
    return Number(row.events) >= events * 0.98 && Number(row.ageHours) < maxAgeHours;
  } catch {
    return false;
  } finally {
    await client.end();
  }
}

/** The rollups the chart queries read, each of which the seeder fills for the tenant. */
const ROLLUPS = [
  "UsageHour",
  "UsageDay",
  "UsageKeyDay",
  "UsageTenantHour",
  "UsageTenantDay",
  "UsageClientIp",
];

/** Rollups without a row for the bench tenant (none when the data set is complete). */
async function emptyRollups(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const empty = [];
    for (const table of ROLLUPS) {
      const { rows } = await client.query(
        `SELECT EXISTS (SELECT 1 FROM "${table}" r JOIN "Tenant" t ON t."id" = r."tenantId" WHERE t."slug" = $1) AS "has"`,
        [TENANT],
      );
      if (!rows[0]?.has) empty.push(table);
    }
    return empty;
  } finally {
    await client.end();
  }
}

async function recreate(serverUrl, name) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/**
 * Runs the section. `run(args, env, output)` and `row(...)` are bench.mjs's helpers;
 * `tsx` its command prefix for TypeScript entry points.
 */
export async function usageCharts({ env, postgres, run, row, tsx }) {
  const events = Number(process.env.BENCH_USAGE_EVENTS ?? (postgres ? 10_000_000 : 1_000_000));
  const maxAgeHours = Number(process.env.BENCH_USAGE_MAX_AGE_HOURS ?? 6);
  let usageEnv = env;
  console.log(`\nusage charts — ${events.toLocaleString("en-US")} events, 1,000 keys, 90 days`);
  const seedArgs = [
    "scripts/seed-usage.mjs",
    "--tenant",
    TENANT,
    "--keys",
    "1000",
    "--events",
    String(events),
    "--days",
    "90",
  ];
  if (postgres) {
    const name = process.env.BENCH_USAGE_DB ?? "kp_bench_usage";
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    usageEnv = { ...env, DATABASE_URL: url.toString() };
    let reuse = await freshEnough(url.toString(), events, maxAgeHours);
    if (reuse) {
      await run(["scripts/migrate.mjs"], usageEnv, "capture");
      const empty = await emptyRollups(url.toString());
      if (empty.length > 0) {
        console.log(`  the data set in database ${name} has no rows in ${empty.join(", ")}`);
        reuse = false;
      } else {
        console.log(`  reusing the data set in database ${name} (seeded within ${maxAgeHours} h)`);
      }
    }
    if (!reuse) {
      console.log(`  seeding database ${name} (reused by later runs for ${maxAgeHours} h)`);
      await recreate(process.env.DATABASE_URL, name);
      await run(seedArgs, usageEnv);
    }
  } else {
    await run(seedArgs, usageEnv);
  }
  const text = await run([...tsx, "scripts/bench/usage-charts.ts"], usageEnv, "capture");
  process.stdout.write(text);
  const worst =
    /worst p50 30 days ([\d.]+) ms \(([^)]*)\); worst p50 90 days ([\d.]+) ms \(([^)]*)\)/.exec(
      text,
    );
  if (worst) {
    const d30 = Number(worst[1]);
    const d90 = Number(worst[3]);
    row(
      "usage chart queries, 30 days, worst of 14",
      `p50 ${d30.toFixed(2)} ms`,
      `~${events.toLocaleString("en-US")} events, 1,000 keys; slowest: ${worst[2]}`,
      "< 50 ms p50",
      d30 < 50,
    );
    row(
      "usage chart queries, 90 days, worst of 14",
      `p50 ${d90.toFixed(2)} ms`,
      `slowest: ${worst[4]}`,
      "",
    );
  }
}
