import type { VerifyOutcome } from "./analytics-types";

/**
 * What a person reads for each verification outcome: the charts' legends and tables and
 * the signals' summaries use these, so "Rate limited" reads the same everywhere. Pure,
 * so client chart components import it too.
 */
export const OUTCOME_LABELS: Record<VerifyOutcome, string> = {
  VALID: "Valid",
  RATE_LIMITED: "Rate limited",
  USAGE_EXCEEDED: "Budget exceeded",
  INSUFFICIENT_SCOPES: "Insufficient scopes",
  FORBIDDEN: "Forbidden (IP, endpoint, resource)",
  EXPIRED: "Expired",
  REVOKED: "Revoked",
  SUSPENDED: "Suspended",
  NOT_FOUND: "Not found",
};

/** Outcomes that are not verification answers (usage reports) still get a readable label. */
export function outcomeLabel(outcome: string): string {
  return Object.hasOwn(OUTCOME_LABELS, outcome)
    ? OUTCOME_LABELS[outcome as VerifyOutcome]
    : outcome.charAt(0) + outcome.slice(1).toLowerCase().replaceAll("_", " ");
}
