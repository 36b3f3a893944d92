import "server-only";
import { env } from "@/lib/env";
import { writeBatch } from "./flush-sql";
import { type BatchWriter, UnwrittenUsageError, writeIsolating } from "./isolate";
import { UsageQuarantine } from "./quarantine";
import { RecentRequestKeys } from "./recent-requests";
import type { UsageEventInput } from "./types";

/**
 * Usage events are kept in memory and written in batches (see flush-sql.ts), so the
 * verify path never waits for an INSERT. A flush runs every second, when the buffer
 * reaches USAGE_BATCH_SIZE events, and on SIGTERM/SIGINT before the process exits.
 *
 * Loss bound: a clean shutdown loses nothing (the signal handler flushes, then exits).
 * A crash (SIGKILL, OOM, power) loses what was buffered since the last flush: at most
 * one flush interval (1 s) of events, plus any batch whose write failed and was being
 * retried. Budget reservations and usage reports are written synchronously and are not
 * affected; for them only the rollup increment is at risk.
 *
 * A batch the database refuses for what it holds is split until the events it refuses
 * are alone; those are quarantined (quarantine.ts) and the rest is written, so no event
 * can stop the writer (isolate.ts). A write that fails for any other reason (lost
 * connectivity, a timeout) puts what it did not write back in front of the buffer, to be
 * retried on the next tick; while the database stays down the buffer is capped at
 * MAX_BUFFERED events and the oldest are dropped (and counted), a hundredth of the cap at
 * a time, so an outage can neither exhaust memory nor slow every call down.
 */

export const FLUSH_INTERVAL_MS = 1_000;
/** Events per batch: a full buffer starts a flush of full batches. */
export const USAGE_BATCH_SIZE = 10_000;
const MAX_BUFFERED = 1_000_000;

type BufferState = {
  events: UsageEventInput[];
  flushing: Promise<void> | null;
  timer: NodeJS.Timeout | null;
  hooksInstalled: boolean;
  exitHeld: boolean;
  dropped: number;
  quarantine: UsageQuarantine;
  recent: RecentRequestKeys;
  /** Epoch ms: when this buffer was created, a part last committed, the buffer was last empty. */
  startedAt: number;
  lastWriteAt: number | null;
  lastIdleAt: number | null;
  timerPaused?: boolean;
  /** Tests may lower the cap (limitUsageBufferForTesting). */
  maxBuffered?: number;
  /** Tests may replace the database write (setUsageWriterForTesting). */
  writer?: BatchWriter;
};

// Shared across module copies in one process (Next.js bundles routes separately).
const scope = globalThis as { __keyplaneUsageBuffer?: BufferState };
scope.__keyplaneUsageBuffer ??= {
  events: [],
  flushing: null,
  timer: null,
  hooksInstalled: false,
  exitHeld: false,
  dropped: 0,
  quarantine: new UsageQuarantine(),
  recent: new RecentRequestKeys(),
  startedAt: Date.now(),
  lastWriteAt: null,
  lastIdleAt: null,
};
const state: BufferState = scope.__keyplaneUsageBuffer;
// A holder made by an older copy of this module (a dev server's reload) lacks newer fields.
state.quarantine ??= new UsageQuarantine();
state.recent ??= new RecentRequestKeys();

/** How long an exit may wait for the final flush (Playwright and Docker allow 10+ s). */
const EXIT_FLUSH_TIMEOUT_MS = 8_000;

/**
 * What SIGTERM and SIGINT run before the process exits: everything buffered is written
 * (events the database refuses are quarantined, so they cannot fail it), within
 * EXIT_FLUSH_TIMEOUT_MS. Resolves either way; a failure is logged.
 */
export async function shutdownFlush(): Promise<void> {
  const timeout = new Promise<void>((resolve) => {
    setTimeout(resolve, EXIT_FLUSH_TIMEOUT_MS).unref();
  });
  await Promise.race([flushUsage(), timeout]).catch((error: unknown) => {
    console.error("[usage] final flush failed:", error instanceof Error ? error.message : error);
  });
}

/**
 * Makes the next `process.exit` wait for a final flush. Needed because Next.js handles
 * SIGTERM itself: it stops accepting connections, waits for in-flight requests and then
 * calls `process.exit(143)`, which would cut short a flush still writing (and any events
 * those last requests recorded after our signal handler started). Deferring the exit
 * itself covers both: by then no request is running, so the flush writes everything.
 */
function holdExitForFlush(): void {
  if (state.exitHeld) return;
  state.exitHeld = true;
  const exit = process.exit.bind(process);
  const deferred = (code?: number | string | null): never => {
    void shutdownFlush().finally(() => exit(code));
    // `process.exit` never returns to its caller; this keeps that promise for callers
    // (Next.js returns right after calling it) while the flush finishes.
    return undefined as never;
  };
  process.exit = deferred as typeof process.exit;
}

function installShutdownHooks(): void {
  if (state.hooksInstalled) return;
  state.hooksInstalled = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      holdExitForFlush();
      shutdownFlush().finally(() => {
        // Other handlers (Next.js's own) may be waiting for in-flight requests and exit
        // when done (through the held exit above); exit here only if nobody else will.
        if (process.listenerCount(signal) === 0) process.exit(0);
      });
    });
  }
}

function ensureTimer(): void {
  if (state.timer || state.timerPaused) return;
  // Health measures how long events have waited from here until the first write.
  state.lastIdleAt ??= Date.now();
  state.timer = setInterval(() => {
    void flushUsage().catch(() => {});
  }, FLUSH_INTERVAL_MS);
  // The timer must not keep a process alive that has nothing else to do.
  state.timer.unref();
}

/** Buffers an event; returns at once. */
export function recordUsage(event: UsageEventInput): void {
  state.events.push(event);
  const cap = state.maxBuffered ?? MAX_BUFFERED;
  if (state.events.length > cap) {
    // The oldest hundredth of the buffer goes at once, not one event per call: removing
    // the head of a full buffer moves every entry, which would cost each verification a
    // copy of a million references for as long as the outage lasts.
    const excess = state.events.length - cap + Math.ceil(cap / 100);
    state.events.splice(0, excess);
    state.dropped += excess;
  }
  ensureTimer();
  installShutdownHooks();
  if (state.events.length >= USAGE_BATCH_SIZE && !state.flushing)
    void startFlush(false).catch(() => {});
}

/**
 * Batches written at once, each in its own transaction on its own connection: while
 * PostgreSQL writes one, this process builds the next, and the database works on two
 * (measured on 2 cores: see the README's performance notes). Each batch is still one
 * transaction, so rollups stay equal to raw events; two transactions that touch the same
 * rollup rows lock them in the same global order (flush-sql.ts), so the second waits for
 * the first instead of deadlocking. PGlite is one session: batches go one at a time.
 */
function maxInFlight(): number {
  return env().DATABASE_URL ? 2 : 1;
}

/**
 * Writes batches until what it owes is written: every event buffered when it started
 * (`all`), or only full batches (a full buffer). Events that arrive meanwhile wait for a
 * full batch or the next tick, so under load every batch is a full one: a write costs
 * PostgreSQL about the same per statement whatever its size, and a drain that took what
 * had arrived each time a write finished would send a few hundred events at a time,
 * nine statements and a commit each (measured: ~100 commits/s at 45k verifications/s,
 * against under 5 with full batches).
 */
async function drain(all: boolean): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const limit = maxInFlight();
  let owed = all ? state.events.length : 0;
  let failure: { error: unknown } | undefined;
  const more = () =>
    state.events.length >= USAGE_BATCH_SIZE || (owed > 0 && state.events.length > 0);
  const writer = state.writer ?? writeBatch;
  const quarantine = (event: UsageEventInput, error: unknown) => state.quarantine.add(event, error);
  const written = () => {
    state.lastWriteAt = Date.now();
  };
  for (;;) {
    while (!failure && inFlight.size < limit && more()) {
      const batch = state.events.splice(0, USAGE_BATCH_SIZE);
      owed -= batch.length;
      rememberRequestKeys(batch);
      const write: Promise<void> = writeIsolating(batch, writer, quarantine, written)
        .catch((error: unknown) => {
          // What was not written goes back in front of the buffer, for the next flush.
          const unwritten = error instanceof UnwrittenUsageError ? error.events : batch;
          state.events.unshift(...unwritten);
          failure ??= { error: error instanceof UnwrittenUsageError ? error.cause : error };
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  if (failure) throw failure.error;
  await saveQuarantine();
}

/**
 * Writes quarantined events to their table. A failure does not fail the flush: the
 * events were written, and the quarantined ones wait in memory for the next flush.
 */
async function saveQuarantine(): Promise<void> {
  if (state.quarantine.pendingWrites() === 0) return;
  await state.quarantine.save().catch((error: unknown) => {
    console.error(
      "[usage] cannot write quarantined events yet:",
      error instanceof Error ? error.message : error,
    );
  });
}

/** Off the verify path: the requestIds of verifications leaving the buffer (recent-requests.ts). */
function rememberRequestKeys(batch: readonly UsageEventInput[]): void {
  for (const e of batch) {
    if (e.kind === "VERIFY" && e.keyId !== null && e.requestId !== null) {
      state.recent.add(e.requestId, e.keyId);
    }
  }
}

function startFlush(all: boolean): Promise<void> {
  const run = drain(all).finally(() => {
    if (state.flushing === run) state.flushing = null;
  });
  state.flushing = run;
  return run;
}

/**
 * Writes everything buffered so far. Flushes never overlap: a call made while one is
 * running waits for it and then writes what arrived in the meantime.
 */
export async function flushUsage(): Promise<void> {
  while (state.flushing) await state.flushing.catch(() => {});
  if (state.events.length === 0) {
    state.lastIdleAt = Date.now();
    // Quarantined events left unwritten by a flush that lost the database.
    await saveQuarantine();
    return;
  }
  await startFlush(true);
}

/** Events waiting to be written, and events dropped during an outage (for health). */
export function usageBufferStats(): { pending: number; dropped: number } {
  return { pending: state.events.length, dropped: state.dropped };
}

/** What health needs to know about the writer (writer-health.ts). */
export function usageWriterState(): {
  pending: number;
  dropped: number;
  startedAt: number;
  lastWriteAt: number | null;
  lastIdleAt: number | null;
  quarantine: UsageQuarantine;
} {
  return {
    pending: state.events.length,
    dropped: state.dropped,
    startedAt: state.startedAt,
    lastWriteAt: state.lastWriteAt,
    lastIdleAt: state.lastIdleAt,
    quarantine: state.quarantine,
  };
}

/**
 * The key of a verification this instance answered with `requestId`, while it is known
 * here: in the recent map once its event left the buffer, or still in the buffer (searched
 * newest first, since reports follow their verification). Report path only.
 */
export function findVerifiedKeyId(requestId: string): string | undefined {
  const known = state.recent.get(requestId);
  if (known !== undefined) return known;
  for (let i = state.events.length - 1; i >= 0; i--) {
    const e = state.events[i];
    if (e !== undefined && e.requestId === requestId && e.kind === "VERIFY" && e.keyId !== null)
      return e.keyId;
  }
  return undefined;
}

/** Tests: stop (or restart) the periodic flush, so that only the test starts flushes. */
export function pauseFlushTimerForTesting(paused: boolean): void {
  state.timerPaused = paused;
  if (paused && state.timer) {
    clearInterval(state.timer);
    state.timer = null;
  }
}

/** Tests: cap the buffer at `max` events (undefined: the real cap). */
export function limitUsageBufferForTesting(max: number | undefined): void {
  state.maxBuffered = max;
}

/** Tests: forget buffered events (e.g. after pointing at another database). */
export function discardBufferedUsageForTesting(): void {
  state.events.length = 0;
}

/** Tests: write batches with `writer` instead of the database (undefined: the database). */
export function setUsageWriterForTesting(writer: BatchWriter | undefined): void {
  state.writer = writer;
}

/** Tests: forget quarantined events and what the writer did, as if it had just started. */
export function resetUsageWriterForTesting(): void {
  state.quarantine.reset();
  state.recent.clear();
  state.lastWriteAt = null;
  state.lastIdleAt = Date.now();
}
