import { NextResponse } from "next/server";
import { checkDatabase } from "@/lib/db/health";
import { checkUsageWriter } from "@/lib/usage/writer-health";

export const dynamic = "force-dynamic";

/**
 * `ok`, or `degraded` with the reasons. 503 only when the database cannot be reached
 * (this instance cannot verify a key it has not cached); a usage writer that is behind
 * or has quarantined events answers 200, because verification still works and a load
 * balancer must not take a working verifier out of service for it. Monitoring reads
 * `status` and `reasons`.
 */
export async function GET() {
  const database = await checkDatabase();
  const usage = checkUsageWriter();
  const reasons = [
    ...(database.ok ? [] : [`database: ${database.error}`]),
    ...usage.reasons.map((reason) => `usage: ${reason}`),
  ];
  return NextResponse.json(
    { status: reasons.length === 0 ? "ok" : "degraded", reasons, database, usage },
    { status: database.ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
