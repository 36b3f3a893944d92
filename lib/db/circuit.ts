import { DatabaseUnavailableError, isConnectionError } from "./errors";

/**
 * The circuit breaker in front of the PostgreSQL pool. After a call fails because the
 * database cannot be reached (refused, reset, or no answer within its timeout), every
 * user of the pool in this process fails at once with DatabaseUnavailableError instead
 * of each waiting out a timeout of its own; callers turn that into their "cannot
 * verify" or 503 answer. While it is open, one probe at a time (`SELECT 1` with a short
 * timeout, every PROBE_INTERVAL_MS) checks whether the database is back; the first
 * success, the probe's or a call's that was already under way, closes it.
 *
 * Written here rather than taken from a library (opossum, cockatiel) because what it
 * must do is narrow and sits on the verify path: the pool and the caches read one
 * number (`openedAt`) synchronously, without wrapping each call in a promise-returning
 * policy; one failure of the right kind opens it (not a failure rate over a window, which
 * would let each caller wait out a timeout until the rate is reached); and only lost
 * connectivity counts, never a query that failed for its own reasons. That is a few
 * dozen lines.
 */

export const PROBE_INTERVAL_MS = 500;

export class DatabaseCircuit {
  /** When this outage was first seen (epoch ms); 0 while the database answers. */
  openedAt = 0;
  private probing = false;
  private stopped = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly onClose: () => void = () => {},
    private readonly probeIntervalMs = PROBE_INTERVAL_MS,
  ) {}

  get isOpen(): boolean {
    return this.openedAt !== 0;
  }

  /** The error a caller gets while the circuit is open. */
  unavailable(): DatabaseUnavailableError {
    return new DatabaseUnavailableError(
      `The database cannot be reached (since ${new Date(this.openedAt).toISOString()}).`,
    );
  }

  /** Opens the circuit if `error` says the database cannot be reached. */
  recordFailure(error: unknown): void {
    if (this.stopped || !opensCircuit(error)) return;
    if (this.openedAt === 0) {
      this.openedAt = Date.now();
      console.error(
        "[db] the database cannot be reached; failing fast until a probe succeeds:",
        error instanceof Error ? error.message : error,
      );
    }
    this.startProbing();
  }

  /** An answer from the database: it is reachable. */
  recordSuccess(): void {
    if (this.openedAt === 0) return;
    const downMs = Date.now() - this.openedAt;
    this.openedAt = 0;
    console.error(`[db] the database answers again (unreachable for ${downMs} ms)`);
    this.onClose();
  }

  /** Stops probing for good (the pool is being closed). */
  stop(): void {
    this.stopped = true;
    this.openedAt = 0;
  }

  private startProbing(): void {
    if (this.probing) return;
    this.probing = true;
    void this.probeUntilClosed();
  }

  private async probeUntilClosed(): Promise<void> {
    while (this.openedAt !== 0 && !this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, this.probeIntervalMs).unref());
      if (this.openedAt === 0 || this.stopped) break;
      try {
        await this.probe();
        this.recordSuccess();
      } catch {
        // Still unreachable; the next probe follows after the interval.
      }
    }
    this.probing = false;
  }
}

/**
 * Lost connectivity, as opposed to a database that answered (with an error, or a
 * statement timeout: the server is there, only that statement was too slow).
 */
function opensCircuit(error: unknown): boolean {
  if (!isConnectionError(error)) return false;
  const code = (error as { code?: unknown }).code;
  return code !== "57014";
}
