// Times every usage chart query of lib/usage/analytics.ts, exactly as the pages call
// them, on the seeded usage tenant (scripts/seed-usage.mjs: 10M events, 1,000 keys, 90
// days), tenant-wide and for the busiest key, over 30 and 90 days. Run through
// `npm run bench`, which prepares the database; or by hand:
//   DATABASE_URL=… node node_modules/.bin/tsx --conditions=react-server scripts/bench/usage-charts.ts
import { performance } from "node:perf_hooks";
import type { TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import {
  budgetBurn,
  costAndTokens,
  denialsByReason,
  parseUsageRange,
  requestsOverTime,
  signals,
  sparklines,
  topKeys,
} from "@/lib/usage/analytics";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30);
const SLUG = process.env.BENCH_USAGE_TENANT ?? "bench-usage";
const TARGET_MS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function time(
  run: () => Promise<unknown>,
): Promise<{ p50: number; p95: number; min: number }> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), min: times[0] ?? Number.NaN };
}

async function main() {
  const tenant = await db().tenant.findUniqueOrThrow({
    where: { slug: SLUG },
    select: { id: true, slug: true, name: true },
  });
  const ctx: TenantContext = {
    tenantId: tenant.id,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    role: "VIEWER",
    actor: { type: "USER", id: "bench", label: "bench" },
  };
  const [counts] = await db().$queryRaw<{ events: bigint; keys: bigint }[]>`
    SELECT (SELECT count(*) FROM "UsageEvent" WHERE "tenantId" = ${tenant.id}) AS "events",
           (SELECT count(*) FROM "ApiKey" WHERE "tenantId" = ${tenant.id}) AS "keys"`;
  const d30 = parseUsageRange({ range: "30d" });
  const d90 = parseUsageRange({ range: "90d" });
  const [busy] = await topKeys(ctx, d30, "requests", 1);
  if (!busy) throw new Error(`tenant ${SLUG} has no usage: seed it first`);
  const page = await db().apiKey.findMany({
    where: { tenantId: tenant.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 50,
    select: { id: true },
  });
  const pageIds = page.map((k) => k.id);
  console.log(
    `usage charts: ${Number(counts?.events).toLocaleString("en-US")} events, ${Number(counts?.keys).toLocaleString("en-US")} keys; busiest key ${busy.display} (${busy.requests.toLocaleString("en-US")} requests in 30 days); ${ITERATIONS} runs each`,
  );
  // The minimum shows what a query costs when nothing else competes for the CPU.
  console.log(
    "  query (ms)                                30 d p50     p95     min   90 d p50     p95     min",
  );

  type Case = [string, (range: typeof d30) => Promise<unknown>];
  const cases: Case[] = [
    ["requests over time, tenant", (r) => requestsOverTime(ctx, r)],
    ["requests over time, busy key", (r) => requestsOverTime(ctx, r, busy.keyId)],
    ["denials by reason, tenant", (r) => denialsByReason(ctx, r)],
    ["denials by reason, busy key", (r) => denialsByReason(ctx, r, busy.keyId)],
    ["cost and tokens, tenant", (r) => costAndTokens(ctx, r)],
    ["cost and tokens, busy key", (r) => costAndTokens(ctx, r, busy.keyId)],
    ["budget burn, tenant (10 keys)", (r) => budgetBurn(ctx, r)],
    ["budget burn, busy key", (r) => budgetBurn(ctx, r, busy.keyId)],
    ["top keys by requests", (r) => topKeys(ctx, r, "requests")],
    ["top keys by cost", (r) => topKeys(ctx, r, "cost")],
    ["top keys by denials", (r) => topKeys(ctx, r, "denials")],
  ];
  const rangeFree: [string, () => Promise<unknown>][] = [
    ["sparklines, page of 50 keys (7 d)", () => sparklines(ctx, pageIds)],
    ["signals, tenant", () => signals(ctx)],
    ["signals, busy key", () => signals(ctx, { keyId: busy.keyId })],
  ];
  const fmt = (n: number) => n.toFixed(2).padStart(7);
  const worst = { d30: 0, d90: 0, name30: "", name90: "" };
  for (const [name, run] of cases) {
    const a = await time(() => run(d30));
    const b = await time(() => run(d90));
    if (a.p50 > worst.d30) Object.assign(worst, { d30: a.p50, name30: name });
    if (b.p50 > worst.d90) Object.assign(worst, { d90: b.p50, name90: name });
    console.log(
      `  ${name.padEnd(40)} ${fmt(a.p50)} ${fmt(a.p95)} ${fmt(a.min)}   ${fmt(b.p50)} ${fmt(b.p95)} ${fmt(b.min)}`,
    );
  }
  for (const [name, run] of rangeFree) {
    const a = await time(run);
    if (a.p50 > worst.d30) Object.assign(worst, { d30: a.p50, name30: name });
    if (a.p50 > worst.d90) Object.assign(worst, { d90: a.p50, name90: name });
    console.log(`  ${name.padEnd(40)} ${fmt(a.p50)} ${fmt(a.p95)} ${fmt(a.min)}   (no range)`);
  }
  const found = await signals(ctx);
  console.log(
    `  signals raised: ${found.length} (${[...new Set(found.map((s) => s.kind))].join(", ") || "none"})`,
  );
  console.log(
    `  worst p50 30 days ${worst.d30.toFixed(2)} ms (${worst.name30}); worst p50 90 days ${worst.d90.toFixed(2)} ms (${worst.name90}) (target: under ${TARGET_MS} ms p50 for 30 days)`,
  );
  await db().$disconnect();
  // On PGlite an open database can keep the process alive; the bench waits for it.
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
