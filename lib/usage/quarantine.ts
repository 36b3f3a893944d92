import "server-only";
import { db } from "@/lib/db";
import type { UsageEventInput } from "./types";
import { isEventDataError, storableText, suspectField, writeErrorMessage } from "./write-errors";

/**
 * Usage events PostgreSQL refused, set aside so that they cannot stop the writer.
 *
 * Where they go, and why: each is counted, logged once, kept in memory (the most recent
 * KEPT_IN_MEMORY, for health and tests) and written to the UsageQuarantine table as the
 * event's JSON text stored as bytes (bytea). JSON escapes every character PostgreSQL
 * would refuse in text (U+0000 becomes the six characters `\u0000`, a lone surrogate
 * `\ud800`), and a bytea column takes any bytes, so the row itself cannot be refused
 * for what the event holds: an operator can read exactly what was acknowledged and not
 * counted (`SELECT convert_from("event", 'UTF8') FROM "UsageQuarantine"`), and nothing
 * acknowledged is lost without a trace. The tenant, key, field and error columns hold
 * storable text only (what PostgreSQL cannot store is replaced by U+FFFD), and the table
 * has no foreign keys, so an event of a deleted tenant is kept too. Retention deletes
 * rows after KEYPLANE_USAGE_EVENTS_DAYS, like the raw events.
 *
 * While the database cannot be reached, events wait in memory to be written (at most
 * MAX_UNSAVED; past that the oldest are no longer written, only counted, so a flood of
 * refused events cannot exhaust memory).
 *
 * The log line names the tenant, the key id, the field that looks wrong and the
 * database's error; never the key, its hash or the event's text. At most
 * LOG_LINES_PER_MINUTE lines a minute: past that a flood is summed up in one line a
 * minute, so refused events cannot drown the log.
 */

export type QuarantinedUsageEvent = {
  event: UsageEventInput;
  /** The field that looks like the reason, when one does. */
  field: string | null;
  error: string;
  /** Epoch milliseconds. */
  quarantinedAt: number;
};

const KEPT_IN_MEMORY = 1_000;
const MAX_UNSAVED = 10_000;
const SAVE_CHUNK = 500;
const LOG_LINES_PER_MINUTE = 100;
const MINUTE_MS = 60_000;

export class UsageQuarantine {
  /** Events quarantined since this process started. */
  total = 0;
  /** Quarantined events that could be neither kept for writing nor written. */
  unsavedDropped = 0;
  lastAt: number | null = null;
  private readonly recent: QuarantinedUsageEvent[] = [];
  private unsaved: QuarantinedUsageEvent[] = [];
  private logMinute = 0;
  private logLines = 0;
  private suppressed = 0;

  add(event: UsageEventInput, error: unknown, now = Date.now()): void {
    const entry: QuarantinedUsageEvent = {
      event,
      field: suspectField(event),
      error: writeErrorMessage(error),
      quarantinedAt: now,
    };
    this.total++;
    this.lastAt = now;
    this.recent.push(entry);
    if (this.recent.length > KEPT_IN_MEMORY) this.recent.shift();
    this.unsaved.push(entry);
    if (this.unsaved.length > MAX_UNSAVED) {
      this.unsaved.shift();
      this.unsavedDropped++;
    }
    this.log(entry, now);
  }

  private log(entry: QuarantinedUsageEvent, now: number): void {
    const minute = now - (now % MINUTE_MS);
    if (minute !== this.logMinute) {
      if (this.suppressed > 0) {
        console.warn(`[usage] quarantined ${this.suppressed} more events (not logged one by one)`);
      }
      this.logMinute = minute;
      this.logLines = 0;
      this.suppressed = 0;
    }
    if (this.logLines >= LOG_LINES_PER_MINUTE) {
      this.suppressed++;
      return;
    }
    this.logLines++;
    const { event } = entry;
    // Ids are ours (cuid); storableText and JSON escaping keep even a wrong one on one line.
    const id = (text: string | null) => JSON.stringify(text === null ? null : storableText(text));
    console.warn(
      `[usage] quarantined an event the database refused: tenant ${id(event.tenantId)}, key ${id(event.keyId)}, field ${entry.field ?? "unknown"}: ${entry.error}`,
    );
  }

  /** The most recent quarantined events, oldest first. */
  list(): readonly QuarantinedUsageEvent[] {
    return this.recent;
  }

  /** Quarantined events since `since` (epoch ms) among those kept in memory. */
  countSince(since: number): number {
    let count = 0;
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const entry = this.recent[i];
      if (entry === undefined || entry.quarantinedAt < since) break;
      count++;
    }
    return count;
  }

  pendingWrites(): number {
    return this.unsaved.length;
  }

  /**
   * Writes what waits to the UsageQuarantine table. Rows that cannot be written for lack
   * of a database stay for the next flush; a row refused for what it holds (it should
   * not be possible: every column is storable) is logged and not retried.
   */
  async save(): Promise<void> {
    while (this.unsaved.length > 0) {
      const chunk = this.unsaved.slice(0, SAVE_CHUNK);
      try {
        await db().$executeRawUnsafe(INSERT_SQL, JSON.stringify(chunk.map(toRow)));
      } catch (error) {
        if (!isEventDataError(error)) throw error;
        console.error(`[usage] cannot write quarantined events: ${writeErrorMessage(error)}`);
      }
      this.unsaved.splice(0, chunk.length);
    }
  }

  /** Tests: forget everything. */
  reset(): void {
    this.total = 0;
    this.unsavedDropped = 0;
    this.lastAt = null;
    this.recent.length = 0;
    this.unsaved = [];
  }
}

// One JSON parameter of storable text; the event travels as base64 and becomes bytea in
// SQL (decode), which binds the same way through every driver adapter.
const INSERT_SQL = `INSERT INTO "UsageQuarantine" ("tenantId", "keyId", "eventTime", "quarantinedAt", "field", "error", "event")
SELECT r."tenantId", r."keyId", r."eventTime", r."quarantinedAt", r."field", r."error", decode(r."event", 'base64')
FROM json_to_recordset($1::json) AS r("tenantId" text, "keyId" text, "eventTime" timestamp(3), "quarantinedAt" timestamp(3), "field" text, "error" text, "event" text)`;

function toRow(entry: QuarantinedUsageEvent) {
  const { event } = entry;
  return {
    tenantId: storableText(String(event.tenantId)),
    keyId: event.keyId === null ? null : storableText(String(event.keyId)),
    eventTime: Number.isSafeInteger(event.time) ? new Date(event.time).toISOString() : null,
    quarantinedAt: new Date(entry.quarantinedAt).toISOString(),
    field: entry.field,
    error: entry.error,
    // JSON.stringify escapes lone surrogates and control characters, so this is valid
    // UTF-8 holding exactly what the event held.
    event: Buffer.from(JSON.stringify(event), "utf8").toString("base64"),
  };
}
