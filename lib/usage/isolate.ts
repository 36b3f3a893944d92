import type { UsageEventInput } from "./types";
import { isEventDataError } from "./write-errors";

/**
 * Writes a batch; when the database refuses it for what it holds (isEventDataError),
 * splits it in halves, and those again, until the events that cause the failure are
 * alone: they go to `quarantine`, every other event is written. Each part is still one
 * transaction, so rollups stay equal to the raw events. One refused event among n costs
 * about 2·log2(n) extra writes, each smaller than the last (14 levels for a full batch).
 *
 * A failure that is not about the events (lost connectivity, a timeout, a full disk) ends
 * the work at once: nothing is split or quarantined, and UnwrittenUsageError carries the
 * events not written yet, in their order, for the buffer to retry.
 */

export class UnwrittenUsageError extends Error {
  override readonly name = "UnwrittenUsageError";
  constructor(
    readonly events: UsageEventInput[],
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export type BatchWriter = (events: readonly UsageEventInput[]) => Promise<void>;

export async function writeIsolating(
  batch: UsageEventInput[],
  write: BatchWriter,
  quarantine: (event: UsageEventInput, error: unknown) => void,
  onWritten: () => void = () => {},
): Promise<void> {
  // Parts still to write; the next one is on top, so events are written in their order.
  const stack: UsageEventInput[][] = [batch];
  for (;;) {
    const part = stack.pop();
    if (part === undefined) return;
    try {
      await write(part);
      onWritten();
    } catch (error) {
      if (!isEventDataError(error)) {
        stack.push(part);
        throw new UnwrittenUsageError(stack.reverse().flat(), error);
      }
      const [only] = part;
      if (part.length === 1 && only !== undefined) {
        quarantine(only, error);
        continue;
      }
      const middle = part.length >> 1;
      stack.push(part.slice(middle), part.slice(0, middle));
    }
  }
}
