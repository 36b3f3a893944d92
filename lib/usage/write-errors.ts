import { isConnectionError } from "@/lib/db/errors";
import { UsageKind, UsageOutcome } from "@/lib/generated/prisma/enums";
import type { UsageEventInput } from "./types";

/**
 * How the usage writer tells a batch that failed because of what is in it from one that
 * failed because the database could not take it right now.
 *
 * - Retried whole, nothing split or set aside: lost connectivity (isConnectionError),
 *   and SQLSTATE classes that say the server, not the data, is the problem: 08
 *   (connection), 25 (transaction state, e.g. a read-only standby after a failover), 28
 *   and 3D (credentials, database), 40 (serialization failure, deadlock), 42 (schema or
 *   privileges: a migration that has not run yet), 53 (disk full, out of memory, too many
 *   connections), 55 (lock not available), 57 (statement timeout, shutdown), 58 (I/O),
 *   F0 (configuration) and XX (internal). So is an error without any SQLSTATE from the
 *   database call, because an unknown failure of the driver is no evidence against the
 *   events, and setting events aside wrongly loses them from the charts.
 * - Split to find the events that cause it: every other SQLSTATE (22 data exception:
 *   `unsupported Unicode escape sequence`, `invalid input syntax for type json`, a value
 *   out of range or outside an enum; 23 integrity; 54 a value too large), and any error
 *   thrown while the batch's statements are built from the events (an invalid time).
 */

const RETRIED_CLASSES = new Set([
  "08",
  "25",
  "28",
  "3D",
  "40",
  "42",
  "53",
  "55",
  "57",
  "58",
  "F0",
  "XX",
]);

/** Thrown by the writer when it cannot even build a batch's statements from its events. */
export class UnbuildableBatchError extends Error {
  override readonly name = "UnbuildableBatchError";
}

type Described = { sqlState?: string; message?: string };

/**
 * The SQLSTATE and message PostgreSQL gave, wherever the driver put them: on the error
 * itself (pg), or under Prisma's driver-adapter error (PGlite through Prisma), whose own
 * message then says only "Raw query failed".
 */
function dbErrorOf(error: unknown): Described {
  if (typeof error !== "object" || error === null) return {};
  const record = error as Record<string, unknown>;
  const meta = record.meta as { driverAdapterError?: { cause?: unknown } } | undefined;
  const adapterCause = meta?.driverAdapterError?.cause;
  if (typeof adapterCause === "object" && adapterCause !== null) {
    const inner = dbErrorOf(adapterCause);
    if (inner.sqlState) return inner;
  }
  const code = typeof record.code === "string" ? record.code : undefined;
  // Prisma's own codes (P2010 …) look like SQLSTATEs but are not.
  if (code && /^[0-9A-Z]{5}$/.test(code) && !/^P\d{4}$/.test(code)) {
    return { sqlState: code, message: typeof record.message === "string" ? record.message : "" };
  }
  if (record.cause !== undefined && record.cause !== error) return dbErrorOf(record.cause);
  return {};
}

/** True when the events of the batch, not the database, are why it failed. */
export function isEventDataError(error: unknown): boolean {
  if (error instanceof UnbuildableBatchError) return true;
  if (isConnectionError(error)) return false;
  const { sqlState } = dbErrorOf(error);
  if (sqlState === undefined) return false;
  return !RETRIED_CLASSES.has(sqlState.slice(0, 2));
}

// U+0000 and lone surrogates: text PostgreSQL cannot store. Off the hot path (flushes and
// quarantine only), so a regular expression is fine here.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const NUL = String.fromCharCode(0);

export function isStorableText(text: string): boolean {
  return !text.includes(NUL) && !LONE_SURROGATE.test(text);
}

/** `text` with what PostgreSQL cannot store replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATES, "\ufffd").replaceAll(NUL, "\ufffd");
}

/** A one-line message for logs and the quarantine table: storable, escaped, bounded. */
export function writeErrorMessage(error: unknown): string {
  const { sqlState, message } = dbErrorOf(error);
  const text =
    message ?? (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  const line = sqlState ? `${text} (SQLSTATE ${sqlState})` : text;
  // JSON escaping turns control characters and lone surrogates into visible escapes, so a
  // value quoted by PostgreSQL cannot forge log lines.
  return JSON.stringify(storableText(line)).slice(1, -1).slice(0, 500);
}

const OUTCOMES: ReadonlySet<string> = new Set(Object.values(UsageOutcome));
const KINDS: ReadonlySet<string> = new Set(Object.values(UsageKind));
const INT4_MAX = 2_147_483_647;
const isInt4 = (n: number) => Number.isInteger(n) && n >= -INT4_MAX - 1 && n <= INT4_MAX;

/**
 * The first field of an event that looks like why it cannot be stored, or null. Only for
 * naming it in the log and the quarantine table: what is quarantined is decided by what
 * the database refuses, not by this guess.
 */
export function suspectField(e: UsageEventInput): string | null {
  const texts: [string, string | null][] = [
    ["tenantId", e.tenantId],
    ["keyId", e.keyId],
    ["requestId", e.requestId],
    ["endpoint", e.endpoint],
    ["resource", e.resource],
    ["ip", e.ip],
  ];
  for (const [field, value] of texts) {
    if (value !== null && (typeof value !== "string" || !isStorableText(value))) return field;
  }
  if (!Number.isSafeInteger(e.time)) return "time";
  if (!KINDS.has(e.kind)) return "kind";
  if (!OUTCOMES.has(e.outcome)) return "outcome";
  if (!isInt4(e.costCents)) return "costCents";
  if (!isInt4(e.tokens)) return "tokens";
  if (e.latencyUs !== null && !isInt4(e.latencyUs)) return "latencyUs";
  if (!Number.isSafeInteger(e.rollupCostCents)) return "rollupCostCents";
  return null;
}
