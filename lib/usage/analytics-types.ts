import type { UsageOutcome } from "@/lib/generated/prisma/enums";

/**
 * The shapes the usage analytics DAL (lib/usage/analytics.ts) returns to the Usage pages,
 * the key pages, the keys table and the CSV export. Plain JSON-serialisable values only
 * (ISO strings for times, numbers for counts and cents), so a server component can pass
 * them straight to the client chart components.
 */

/** Every outcome a verification can have, in the order charts stack them. */
export const VERIFY_OUTCOMES = [
  "VALID",
  "RATE_LIMITED",
  "USAGE_EXCEEDED",
  "INSUFFICIENT_SCOPES",
  "FORBIDDEN",
  "EXPIRED",
  "REVOKED",
  "SUSPENDED",
  "NOT_FOUND",
] as const satisfies readonly UsageOutcome[];

export type VerifyOutcome = (typeof VERIFY_OUTCOMES)[number];

/** Verification outcomes that deny the call. */
export type DenialOutcome = Exclude<VerifyOutcome, "VALID">;

export const DENIAL_OUTCOMES = VERIFY_OUTCOMES.filter((o): o is DenialOutcome => o !== "VALID");

export type Granularity = "minute" | "hour" | "day";

export const RANGE_PRESETS = ["24h", "7d", "30d", "90d"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number] | "custom";

/** What the page URL asks for: `?range=7d`, or `?from=…&to=…` (ISO dates or date-times). */
export type RangeInput = {
  range?: string | string[];
  from?: string | string[];
  to?: string | string[];
};

export type UsageRange = {
  preset: RangePreset;
  /** Inclusive, ISO, aligned down to the granularity. */
  from: string;
  /** Exclusive, ISO. */
  to: string;
  granularity: Granularity;
  /** Bucket width in milliseconds (a multiple of the granularity). */
  bucketMs: number;
  /** Set when the URL asked for an invalid range and a fallback is shown instead. */
  notice: string | null;
};

/** Requests over time, stacked by outcome. One point per bucket, empty buckets included. */
export type RequestsPoint = { bucket: string; total: number } & Record<VerifyOutcome, number>;

export type DenialRow = { outcome: DenialOutcome; count: number };

export type CostPoint = { bucket: string; costCents: number; tokens: number };

/** Budget burn for one key with a budget, over the range. */
export type BudgetBurn = {
  keyId: string;
  name: string;
  display: string;
  budgetCents: number;
  period: "TOTAL" | "MONTHLY";
  /** Spent now in the key's current period, as the verify path counts it. */
  spentCents: number;
  /** Cumulative cost within the range, per bucket, and what remained after it. */
  points: { bucket: string; spentCents: number; remainingCents: number }[];
};

export type TopKeyMetric = "requests" | "cost" | "denials";

export type TopKey = {
  keyId: string;
  name: string;
  /** `start…last4`, as the keys table shows it. */
  display: string;
  requests: number;
  costCents: number;
  denials: number;
};

export type UsageEventRow = {
  id: string;
  time: string;
  kind: "VERIFY" | "REPORT";
  outcome: UsageOutcome;
  ip: string | null;
  endpoint: string | null;
  resource: string | null;
  costCents: number;
  tokens: number;
  latencyUs: number | null;
};

/** Newest first; `before` is the cursor for the next (older) page. */
export type UsageEventsPage = {
  rows: UsageEventRow[];
  /** Pass as `before` to get the next page; null on the last page. */
  nextBefore: string | null;
};

export type SignalKind = "spike" | "new_ips" | "denials_rising";

export type KeySignal = {
  keyId: string;
  name: string;
  display: string;
  kind: SignalKind;
  /** One sentence a person can act on, e.g. "312 requests in the last hour, 9× its usual rate". */
  summary: string;
};

/** Requests per day for the last 7 days (oldest first, 7 numbers), per key. */
export type Sparklines = Record<string, number[]>;
