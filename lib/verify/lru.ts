/**
 * A bounded map with per-entry expiry, least recently used evicted first. Built on Map's
 * insertion order (delete + set moves an entry to the end), so get/set are O(1) and
 * allocation-free apart from the entry itself: this sits on the verify hot path.
 */
export class TtlLru<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

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
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V, ttlMs: number, now: number = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + ttlMs });
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
