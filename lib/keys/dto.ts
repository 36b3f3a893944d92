import { startOfUtcMonth } from "./expiry";
import type { JsonObject, JsonValue } from "./schema-fields";

// What leaves the data-access layer. Named types with exactly the fields the dashboard
// shows; the secret's hash is never among them. Pure, so client components can import
// the types and the small helpers.

export type { JsonObject, JsonValue };

export type StoredKeyStatus = "ACTIVE" | "SUSPENDED" | "REVOKED";
/** EXPIRED is derived: an ACTIVE key whose expiry has passed. */
export type KeyStatusLabel = StoredKeyStatus | "EXPIRED";
export type BudgetPeriodName = "TOTAL" | "MONTHLY";

export type KeyBudget = {
  limitCents: number;
  /** Spent in the current period (0 once a new month has started for MONTHLY). */
  spentCents: number;
  period: BudgetPeriodName;
};

export type KeyRow = {
  id: string;
  name: string;
  /** `start…last4`, e.g. `kp_Ab3x…9f2Q`. */
  display: string;
  status: KeyStatusLabel;
  scopes: string[];
  tags: string[];
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  budget: KeyBudget | null;
  createdAt: Date;
};

export type KeyActorRef = { type: "USER" | "ROOT_KEY"; id: string; label: string };

export type RetiredSecretRow = {
  id: string;
  display: string;
  retiredAt: Date;
  graceEndsAt: Date;
};

export type KeyDetail = {
  id: string;
  name: string;
  description: string;
  display: string;
  start: string;
  last4: string;
  status: KeyStatusLabel;
  scopes: string[];
  tags: string[];
  expiresAt: Date | null;
  rateLimits: { perMinute: number | null; perHour: number | null; perDay: number | null };
  budget: (KeyBudget & { periodStart: Date | null }) | null;
  ipAllowlist: string[];
  allowedEndpoints: string[];
  allowedResources: string[];
  metadata: JsonObject | null;
  lastUsedAt: Date | null;
  suspendedAt: Date | null;
  revokedAt: Date | null;
  revokedReason: string | null;
  /** Who revoked it (email or root key name); null when not revoked or unknown. */
  revokedBy: string | null;
  rolledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Null for keys created by the system (seeded) or by an actor that no longer exists. */
  createdBy: KeyActorRef | null;
  /** Old secrets from rolls that still verify, newest first. */
  retiredSecrets: RetiredSecretRow[];
};

export type KeyAuditEntry = {
  id: string;
  action: string;
  actorType: "USER" | "ROOT_KEY" | "SYSTEM";
  actorLabel: string;
  before: JsonValue | null;
  after: JsonValue | null;
  ip: string | null;
  createdAt: Date;
};

export type KeyListPage = {
  rows: KeyRow[];
  /**
   * Exact unless `totalIsCapped`: then more keys match than were counted (show "1,000+"),
   * and `pageCount` covers the counted ones; the count grows as the user pages on.
   */
  total: number;
  totalIsCapped: boolean;
  page: number;
  pageSize: number;
  pageCount: number;
};

/**
 * `start…last4`. Same output as format.ts's `displayKey`, repeated here because format.ts
 * imports node:crypto and this module must stay importable by client components.
 */
export function displayKeyParts(start: string, last4: string): string {
  return `${start}…${last4}`;
}

export function deriveKeyStatus(
  status: StoredKeyStatus,
  expiresAt: Date | null,
  now: Date,
): KeyStatusLabel {
  if (status === "ACTIVE" && expiresAt !== null && expiresAt.getTime() <= now.getTime()) {
    return "EXPIRED";
  }
  return status;
}

type BudgetColumns = {
  budgetCents: number | null;
  budgetPeriod: BudgetPeriodName | null;
  budgetSpentCents: number;
  budgetPeriodStart: Date | null;
};

/**
 * A monthly budget's counter belongs to the month it started in. Until the verify path
 * resets it, a counter from an earlier month is shown as 0 spent.
 */
export function effectiveSpentCents(columns: BudgetColumns, now: Date): number {
  if (
    columns.budgetPeriod === "MONTHLY" &&
    columns.budgetPeriodStart !== null &&
    columns.budgetPeriodStart.getTime() < startOfUtcMonth(now).getTime()
  ) {
    return 0;
  }
  return columns.budgetSpentCents;
}

export function toKeyBudget(columns: BudgetColumns, now: Date): KeyBudget | null {
  if (columns.budgetCents === null) return null;
  return {
    limitCents: columns.budgetCents,
    spentCents: effectiveSpentCents(columns, now),
    // A budget without a period cannot be saved; TOTAL is the safe reading if one exists.
    period: columns.budgetPeriod ?? "TOTAL",
  };
}

export type KeyRowColumns = BudgetColumns & {
  id: string;
  name: string;
  start: string;
  last4: string;
  status: StoredKeyStatus;
  scopes: string[];
  tags: string[];
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
};

export function toKeyRow(row: KeyRowColumns, now: Date): KeyRow {
  return {
    id: row.id,
    name: row.name,
    display: displayKeyParts(row.start, row.last4),
    status: deriveKeyStatus(row.status, row.expiresAt, now),
    scopes: row.scopes,
    tags: row.tags,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    budget: toKeyBudget(row, now),
    createdAt: row.createdAt,
  };
}
