import type { VerifyOutcome } from "@/lib/usage/analytics-types";
import { OUTCOME_LABELS } from "@/lib/usage/outcome-labels";

export { outcomeLabel } from "@/lib/usage/outcome-labels";

/**
 * One label and one colour per verification outcome, shared by every chart, legend and
 * table so "Rate limited" looks the same everywhere (the labels live in lib/usage, where
 * the signals' summaries use them too). Valid is green; denials use hues that stay
 * distinguishable from each other and from green for common colour-vision deficiencies,
 * and the legend and table always carry the label as text too.
 */
export const OUTCOME_STYLE: Record<VerifyOutcome, { label: string; color: string }> = {
  VALID: { label: OUTCOME_LABELS.VALID, color: "#16a34a" },
  RATE_LIMITED: { label: OUTCOME_LABELS.RATE_LIMITED, color: "#f59e0b" },
  USAGE_EXCEEDED: { label: OUTCOME_LABELS.USAGE_EXCEEDED, color: "#dc2626" },
  INSUFFICIENT_SCOPES: { label: OUTCOME_LABELS.INSUFFICIENT_SCOPES, color: "#7c3aed" },
  FORBIDDEN: { label: OUTCOME_LABELS.FORBIDDEN, color: "#db2777" },
  EXPIRED: { label: OUTCOME_LABELS.EXPIRED, color: "#64748b" },
  REVOKED: { label: OUTCOME_LABELS.REVOKED, color: "#1e293b" },
  SUSPENDED: { label: OUTCOME_LABELS.SUSPENDED, color: "#0891b2" },
  NOT_FOUND: { label: OUTCOME_LABELS.NOT_FOUND, color: "#a8a29e" },
};
