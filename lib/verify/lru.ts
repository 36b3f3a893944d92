/** How long a read entry keeps its place before another read moves it up again. */
const RECENCY_PRECISION_MS = 1_000;

/**
 * A bounded map with per-entry expiry, least recently used evicted first. Built on Map's
 * insertion order (delete + set moves an entry to the end), so get/set are O(1) and
 * allocation-free apart from the entry itself: this sits on the verify hot path. A read
 * moves its entry to the end at most once a second (RECENCY_PRECISION_MS): a key read
 * thousands of times a second would otherwise pay a delete and an insert every time, and
 * "used within the last second" is as recent as eviction needs to know.
 */
export class TtlLru<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number; readAt: number }>();

  constructor(private readonly maxSize: number) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError("maxSize must be >= 1");
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, or undefined when absent or expired (an expired entry is dropped). */
  get(key: K, now: number = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    if (now - entry.readAt >= RECENCY_PRECISION_MS) {
      entry.readAt = now;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  set(key: K, value: V, ttlMs: number, now: number = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + ttlMs, readAt: now });
    if (this.entries.size > this.maxSize) {
      // The first key in iteration order is the least recently used one.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
