import type { KeyRecord } from "./record";

/**
 * Cache misses looked up in batches: every `waitMs` at most one query for everything
 * that missed meanwhile (up to `maxBatch` hashes; a fuller queue is drained batch after
 * batch without waiting), and never more than one batch query in flight. Used for the
 * callers whose unknown keys are over their cap (lib/api/not-found-limiter.ts), so a
 * flood of random keys costs a few queries a second instead of one per key, while a key
 * that exists in the flood is still found and answered.
 *
 * The wait is bounded: a miss waits for the current interval, plus the batches queued
 * before it. A queue can only be longer than one batch when misses arrive faster than
 * `maxBatch` per query time (some 100,000 a second for 1,000 hashes in a few ms), which
 * is more than one instance can receive.
 */
export type CoalescedLookupOptions = {
  loadMany: (hashes: readonly string[]) => Promise<Map<string, KeyRecord>>;
  waitMs: number;
  maxBatch: number;
};

type Waiting = {
  hash: string;
  resolve: (record: KeyRecord | null) => void;
  reject: (error: unknown) => void;
};

export class CoalescedKeyLookup {
  /** Batch queries issued so far (metrics and tests). */
  batches = 0;
  private queue: Waiting[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(private readonly options: CoalescedLookupOptions) {}

  /** The record for a hash, null when unknown; rejects when the batch's query fails. */
  readonly load = (hash: string): Promise<KeyRecord | null> =>
    new Promise((resolve, reject) => {
      this.queue.push({ hash, resolve, reject });
      this.schedule();
    });

  private schedule(): void {
    if (this.running || this.timer !== undefined || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.options.waitMs);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      do {
        const batch = this.queue.splice(0, this.options.maxBatch);
        const hashes = [...new Set(batch.map((waiting) => waiting.hash))];
        this.batches++;
        try {
          const found = await this.options.loadMany(hashes);
          for (const waiting of batch) waiting.resolve(found.get(waiting.hash) ?? null);
        } catch (error) {
          // Failures are answered, never retried here: each caller's request decides
          // (503), and nothing failed is cached.
          for (const waiting of batch) waiting.reject(error);
        }
      } while (this.queue.length >= this.options.maxBatch);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
