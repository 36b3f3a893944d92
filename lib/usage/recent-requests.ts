/**
 * The keys of this instance's recent verifications by requestId, so that a usage report
 * that names only the requestId is attributed to the key that verification found.
 *
 * Filled when events leave the buffer for a write, never on the verify path: recording
 * a verification only keeps its requestId in the event it buffers anyway (a string the
 * answer already holds). Events still in the buffer are searched there (usage buffer's
 * findBufferedKeyId), so a report that arrives before its verification is flushed is
 * attributed too.
 *
 * Bounded: two generations of GENERATION entries each; when the current one is full it
 * becomes the previous one and the oldest generation is dropped whole, so an add is O(1)
 * and nothing walks or shifts the map. Each entry costs about 100 bytes (the requestId's
 * string and a map slot; the key id is the cached record's own string), so at most about
 * 40 MB; at 40,000 verifications a second that covers the last 5–10 s, at 100 a second
 * more than half an hour.
 */

export const GENERATION = 200_000;

export class RecentRequestKeys {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();

  constructor(private readonly generation = GENERATION) {}

  add(requestId: string, keyId: string): void {
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(requestId, keyId);
  }

  get(requestId: string): string | undefined {
    return this.current.get(requestId) ?? this.previous.get(requestId);
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }
}
