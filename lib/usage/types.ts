import type { UsageKind, UsageOutcome } from "@/lib/generated/prisma/enums";

/** One verification or usage report, as buffered before its batch is written. */
export type UsageEventInput = {
  tenantId: string;
  keyId: string | null;
  /** Epoch milliseconds. */
  time: number;
  kind: UsageKind;
  outcome: UsageOutcome;
  costCents: number;
  tokens: number;
  endpoint: string | null;
  resource: string | null;
  ip: string | null;
  latencyUs: number | null;
  /**
   * A report's requestId (stored with it), or the requestId a verification answered with
   * (not stored: it only lets a report that names it find the key, see report.ts).
   */
  requestId: string | null;
  /**
   * What this event adds to the rollups' `costCents`: the net budget charge. A verify
   * reservation adds what it reserved; a report adds the difference between the actual
   * cost and that reservation, so a period's rollup cost equals the actual cost.
   */
  rollupCostCents: number;
  /**
   * True when the row is already in UsageEvent (budget reservations and usage reports
   * are written synchronously); the batch then only rolls it up and touches lastUsedAt.
   */
  persisted: boolean;
};
