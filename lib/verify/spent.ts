import type { BudgetPeriod } from "@/lib/generated/prisma/enums";
import type { KeyRecord } from "./record";
import { monthStartUtc } from "./windows";

/** What a budget has spent in its current period (0 for a MONTHLY one of a past month). */
export function effectiveSpent(
  spentCents: number,
  period: BudgetPeriod | null,
  periodStart: Date | null,
  now: number,
): number {
  if (period !== "MONTHLY") return spentCents;
  return periodStart !== null && periodStart.getTime() >= monthStartUtc(now) ? spentCents : 0;
}

export function effectiveSpentOf(record: KeyRecord, now: number): number {
  return effectiveSpent(
    record.lastKnownSpentCents,
    record.budget?.period ?? null,
    record.lastKnownPeriodStart,
    now,
  );
}
