// Usage ingestion for `npm run bench`: pushes BENCH_EVENTS (500,000) verify events into
// the real buffer (lib/usage/buffer.ts: batches of multi-row INSERTs plus the minute and
// hour rollups and lastUsedAt, one transaction per batch) as fast as one process can,
// flushes, and checks that every event arrived and that the rollups count each once.
// Runs in its own process (tsx --conditions=react-server) on the database the bench made.
import { performance } from "node:perf_hooks";
import { db } from "@/lib/db";
import { flushUsage, recordUsage, usageBufferStats } from "@/lib/usage/buffer";
import type { UsageEventInput } from "@/lib/usage/types";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 500_000);
const KEYS = 1_000;
const CHUNK = 5_000;

async function main() {
  const tenant = await db().tenant.findUniqueOrThrow({
    where: { slug: "bench" },
    select: { id: true },
  });
  const keyIds = (
    await db().apiKey.findMany({ where: { tenantId: tenant.id }, select: { id: true }, take: KEYS })
  ).map((k) => k.id);
  const before = await counts(tenant.id);

  const started = performance.now();
  for (let pushed = 0; pushed < EVENTS; pushed += CHUNK) {
    const now = Date.now();
    for (let i = pushed; i < Math.min(EVENTS, pushed + CHUNK); i++) {
      const event: UsageEventInput = {
        tenantId: tenant.id,
        keyId: keyIds[i % keyIds.length] ?? null,
        time: now,
        kind: "VERIFY",
        outcome: i % 50 === 0 ? "RATE_LIMITED" : "VALID",
        costCents: 0,
        tokens: 0,
        endpoint: "/v1/orders",
        resource: null,
        ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
        latencyUs: 100 + (i % 400),
        requestId: null,
        rollupCostCents: 0,
        persisted: false,
      };
      recordUsage(event);
    }
    // Let the flushes the buffer started make progress, as a server's event loop would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const pushedMs = performance.now() - started;
  await flushUsage();
  const seconds = (performance.now() - started) / 1000;
  const { dropped, pending } = usageBufferStats();
  const after = await counts(tenant.id);
  const stored = after.events - before.events;
  const minute = after.minute - before.minute;
  const hour = after.hour - before.hour;
  const result = {
    events: EVENTS,
    seconds,
    pushSeconds: pushedMs / 1000,
    rate: EVENTS / seconds,
    stored,
    minute,
    hour,
    dropped,
    pending,
    ok: stored === EVENTS && minute === EVENTS && hour === EVENTS && dropped === 0,
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  await db().$disconnect();
  // On PGlite the embedded database stays open after $disconnect and can keep the
  // process alive; everything is written by now.
  process.exit(0);
}

async function counts(tenantId: string): Promise<{ events: number; minute: number; hour: number }> {
  const [row] = await db().$queryRaw<{ events: bigint; minute: bigint; hour: bigint }[]>`
    SELECT (SELECT count(*) FROM "UsageEventLog" WHERE "tenantId" = ${tenantId}) AS events,
           (SELECT coalesce(sum("count"), 0) FROM "UsageMinute" WHERE "tenantId" = ${tenantId})::bigint AS minute,
           (SELECT coalesce(sum("count"), 0) FROM "UsageHour" WHERE "tenantId" = ${tenantId})::bigint AS hour`;
  return {
    events: Number(row?.events ?? 0),
    minute: Number(row?.minute ?? 0),
    hour: Number(row?.hour ?? 0),
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
