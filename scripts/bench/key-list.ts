// Times the keys page's query (listKeys, exactly as the page calls it) on a tenant of
// many keys, and prints the plan of the default page so a reader can see which index
// serves it. Run through `npm run bench`, which prepares the database.
import { performance } from "node:perf_hooks";
import type { TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { listKeys } from "@/lib/keys/data";
import { parseListKeysQuery } from "@/lib/keys/list-query";
import { buildListKeysPlan, pageSql } from "@/lib/keys/list-sql";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);

const STATES: Record<string, Record<string, string>> = {
  "default page (newest first)": {},
  "active, sorted by name": { status: "ACTIVE", sort: "name", dir: "asc" },
  "tag filter": { tag: "partner" },
  "scope filter": { scope: "billing:write" },
  "search by start": { q: "" },
  // About 275 matches (0.3%): the newest-first index holds 50 of them in its first ~15,000.
  "search by name": { q: "checkout-12" },
  // Two matches (the seed numbers keys per batch of 50,000): only the trigrams find them.
  "search by a rare name": { q: "-7777" },
  "expiring within 30 days": { expiringWithinDays: "30", sort: "expiresAt", dir: "asc" },
  "unused for 90 days": { unusedForDays: "90" },
  "over 80% of budget": { overBudget80: "1" },
  "page 100": { page: "100" },
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main() {
  const tenant = await db().tenant.findUniqueOrThrow({
    where: { slug: "bench" },
    select: { id: true, slug: true, name: true, keyPrefix: true },
  });
  const total = await db().apiKey.count({ where: { tenantId: tenant.id } });
  const sample = await db().apiKey.findFirstOrThrow({
    where: { tenantId: tenant.id },
    select: { start: true },
    orderBy: { createdAt: "desc" },
  });
  const ctx: TenantContext = {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    role: "VIEWER",
    actor: { type: "USER", id: "bench", label: "bench" },
  };
  console.log(
    `key list: ${total.toLocaleString("en-US")} keys in one tenant, page of 50, ${ITERATIONS} runs each`,
  );
  console.log("  state                              p50 ms   p95 ms   rows");
  const results: number[] = [];
  for (const [label, params] of Object.entries(STATES)) {
    const query = parseListKeysQuery({
      ...params,
      ...(label === "search by start" ? { q: sample.start } : {}),
    });
    await listKeys(ctx, query); // warm-up
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const started = performance.now();
      const page = await listKeys(ctx, query);
      times.push(performance.now() - started);
      rows = page.rows.length;
    }
    times.sort((a, b) => a - b);
    results.push(percentile(times, 50));
    console.log(
      `  ${label.padEnd(34)} ${percentile(times, 50).toFixed(2).padStart(7)}  ${percentile(times, 95).toFixed(2).padStart(7)}   ${rows}`,
    );
  }
  const worst = Math.max(...results);
  console.log(`  worst p50 ${worst.toFixed(2)} ms (target: under 20 ms p50)`);

  const plan = buildListKeysPlan(
    tenant.id,
    parseListKeysQuery({ status: "ACTIVE", sort: "name", dir: "asc" }),
    {
      now: new Date(),
      keyPrefix: tenant.keyPrefix,
    },
  );
  const part = plan.parts[0];
  if (part) {
    const explained = await db().$queryRaw<{ "QUERY PLAN": string }[]>(
      Prisma.sql`EXPLAIN ANALYZE ${pageSql(plan, part, 50, 0)}`,
    );
    console.log("  plan of 'active, sorted by name':");
    for (const row of explained) console.log(`    ${row["QUERY PLAN"]}`);
  }
  await db().$disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
