import type { VerifyOutcome } from "@/lib/usage/analytics-types";

/**
 * One label and one colour per verification outcome, shared by every chart, legend and
 * table so "Rate limited" looks the same everywhere. Valid is green; denials use hues
 * that stay distinguishable from each other and from green for common colour-vision
 * deficiencies, and the legend and table always carry the label as text too.
 */
export const OUTCOME_STYLE: Record<VerifyOutcome, { label: string; color: string }> = {
  VALID: { label: "Valid", color: "#16a34a" },
  RATE_LIMITED: { label: "Rate limited", color: "#f59e0b" },
  USAGE_EXCEEDED: { label: "Budget exceeded", color: "#dc2626" },
  INSUFFICIENT_SCOPES: { label: "Insufficient scopes", color: "#7c3aed" },
  FORBIDDEN: { label: "Forbidden (IP, endpoint, resource)", color: "#db2777" },
  EXPIRED: { label: "Expired", color: "#64748b" },
  REVOKED: { label: "Revoked", color: "#1e293b" },
  SUSPENDED: { label: "Suspended", color: "#0891b2" },
  NOT_FOUND: { label: "Not found", color: "#a8a29e" },
};

/** Outcomes that are not verification answers (usage reports) still get a readable label. */
export function outcomeLabel(outcome: string): string {
  return outcome in OUTCOME_STYLE
    ? OUTCOME_STYLE[outcome as VerifyOutcome].label
    : outcome.charAt(0) + outcome.slice(1).toLowerCase().replaceAll("_", " ");
}
