import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { KeyDetailRow } from "./detail";

// What the audit log records about a key's settings. Never the hash or the plaintext:
// the display form (`start…last4`) identifies the secret well enough.

export const AUDITED_KEY_FIELDS = [
  "name",
  "description",
  "tags",
  "scopes",
  "expiresAt",
  "rateLimitPerMinute",
  "rateLimitPerHour",
  "rateLimitPerDay",
  "budgetCents",
  "budgetPeriod",
  "ipAllowlist",
  "allowedEndpoints",
  "allowedResources",
  "metadata",
] as const;
export type AuditedKeyField = (typeof AUDITED_KEY_FIELDS)[number];
export type KeySettings = Pick<KeyDetailRow, AuditedKeyField>;

export type AuditJson = Prisma.InputJsonValue | null;
export type AuditObject = Record<string, AuditJson>;

/** Dates become ISO strings; everything else a key holds is JSON already. */
export function auditValue(value: unknown): AuditJson {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return value as Prisma.InputJsonValue;
}

export function sameAuditValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(auditValue(a)) === JSON.stringify(auditValue(b));
}

export function settingsSnapshot(settings: KeySettings): AuditObject {
  const out: AuditObject = {};
  for (const field of AUDITED_KEY_FIELDS) out[field] = auditValue(settings[field]);
  return out;
}
