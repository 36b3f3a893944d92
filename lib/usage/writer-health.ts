import "server-only";
import { FLUSH_INTERVAL_MS, usageWriterState } from "./buffer";

/**
 * Whether this instance's usage writer is keeping up, for /api/health.
 *
 * - Stalled: events are waiting and nothing has been written for STALLED_AFTER_MS (five
 *   flush intervals) since the buffer was last empty or a batch last committed. Under
 *   load a flush commits a batch well within that; a longer wait means writes fail (the
 *   database is unreachable, or slower than it can recover from) and charts, lastUsedAt
 *   and leak signals are behind.
 * - Quarantined: events were set aside in the last QUARANTINE_WINDOW_MS (15 minutes).
 *   A recent window, not "since start": health then turns ok again on its own once
 *   nothing is refused any more, instead of staying degraded until a restart for one
 *   event, while the count since start is still reported (and the events are in the
 *   UsageQuarantine table).
 */

export const STALLED_AFTER_MS = 5 * FLUSH_INTERVAL_MS;
export const QUARANTINE_WINDOW_MS = 15 * 60_000;

export type UsageWriterHealth = {
  ok: boolean;
  reasons: string[];
  pending: number;
  dropped: number;
  /** ISO time of the last committed batch, or null. */
  lastWriteAt: string | null;
  quarantined: { total: number; recent: number; lastAt: string | null; unwritten: number };
};

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function checkUsageWriter(now = Date.now()): UsageWriterHealth {
  const s = usageWriterState();
  const reasons: string[] = [];
  const since = Math.max(s.lastWriteAt ?? 0, s.lastIdleAt ?? 0, s.startedAt);
  if (s.pending > 0 && now - since > STALLED_AFTER_MS) {
    reasons.push(
      `usage events are not being written: ${s.pending} waiting, none written for ${Math.round((now - since) / 1000)} s`,
    );
  }
  const recent = s.quarantine.countSince(now - QUARANTINE_WINDOW_MS);
  if (recent > 0) {
    reasons.push(
      `${recent} usage event${recent === 1 ? " was" : "s were"} quarantined in the last ${QUARANTINE_WINDOW_MS / 60_000} minutes (the database refused them; see UsageQuarantine)`,
    );
  }
  return {
    ok: reasons.length === 0,
    reasons,
    pending: s.pending,
    dropped: s.dropped,
    lastWriteAt: isoOrNull(s.lastWriteAt),
    quarantined: {
      total: s.quarantine.total,
      recent,
      lastAt: isoOrNull(s.quarantine.lastAt),
      unwritten: s.quarantine.pendingWrites(),
    },
  };
}
