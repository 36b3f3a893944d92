import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { z } from "zod";

/**
 * The wires that carry "these key hashes changed" from the instance that made a change to
 * every other instance (see invalidation.ts for how a process uses them). Kept free of
 * the cache and of `server-only` so tests can run two of them side by side in one
 * process, each standing for one instance.
 *
 * Both transports follow the same contract:
 *  - `publish` sends the hashes with this instance's id; the sender's own copy is
 *    ignored on arrival (its cache was already evicted in-process, synchronously).
 *  - `onHashes` receives every other instance's hashes.
 *  - `onResync` runs each time the subscription is (re)established: anything published
 *    while it was down is lost, so the receiver must drop what it may have missed.
 *  - `onStatus(false)` runs when the subscription drops; the receiver must then bound
 *    staleness by other means until `onResync`.
 */

export type InvalidationHandlers = {
  onHashes(hashes: string[]): void;
  onResync(): void;
  onStatus?(connected: boolean): void;
};

export type InvalidationTransportKind = "redis" | "postgres";

export interface InvalidationTransport {
  readonly kind: InvalidationTransportKind;
  readonly instanceId: string;
  /** True while the subscription is established and messages are being received. */
  readonly connected: boolean;
  /** Resolves once the subscription is established the first time (tests wait on it). */
  ready(): Promise<void>;
  publish(hashes: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export const REDIS_CHANNEL = "keyplane:keys";
export const PG_CHANNEL = "keyplane_keys";

/**
 * NOTIFY payloads are limited to 8,000 bytes. A hash is 64 hex characters (67 with JSON
 * quoting and comma), so 100 per message stays well below with room for the envelope.
 */
const HASHES_PER_MESSAGE = 100;

/**
 * A change is committed before it is published, and another instance can hold the old
 * record for at most the positive cache TTL (60 s) after that. Retrying a failed publish
 * for longer would be pointless; giving up sooner would leave a window with no bound.
 */
const PUBLISH_DEADLINE_MS = 60_000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

// Payloads come from the network (any client of the shared Redis or database can send on
// the channel), so they are parsed, not trusted; the worst a forged message can do is
// evict cache entries, which only costs a database read.
const messageSchema = z.object({
  o: z.string().min(1).max(100),
  h: z.array(z.string().min(1).max(128)).max(1_000),
});

export function encodeMessages(instanceId: string, hashes: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < hashes.length; i += HASHES_PER_MESSAGE) {
    out.push(JSON.stringify({ o: instanceId, h: hashes.slice(i, i + HASHES_PER_MESSAGE) }));
  }
  return out;
}

/** The hashes of a message from another instance; null for our own or a malformed one. */
export function decodeMessage(instanceId: string, payload: string): string[] | null {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success || parsed.data.o === instanceId) return null;
  return parsed.data.h;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Retries `send` with backoff until it succeeds, the deadline passes, or `stopped()`. */
async function withRetry(send: () => Promise<unknown>, stopped: () => boolean): Promise<void> {
  const deadline = Date.now() + PUBLISH_DEADLINE_MS;
  let delay = RECONNECT_MIN_MS;
  for (;;) {
    try {
      await send();
      return;
    } catch (error) {
      if (stopped() || Date.now() + delay > deadline) throw error;
      await sleep(delay);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    }
  }
}

type Options = { channel?: string; instanceId?: string };

/**
 * Redis pub/sub. A connection in subscriber mode cannot publish, so there are two: one
 * that only subscribes and one that only publishes. Reconnection is ioredis's own (with
 * a capped backoff); resubscribing is done here on every `ready` so that `onResync`
 * runs exactly when the subscription is live again.
 */
export class RedisInvalidationTransport implements InvalidationTransport {
  readonly kind = "redis";
  readonly instanceId: string;
  readonly channel: string;
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private isConnected = false;
  private closed = false;
  private firstReady: Promise<void>;
  private resolveReady: () => void = () => {};

  constructor(
    url: string,
    private readonly handlers: InvalidationHandlers,
    options: Options = {},
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.channel = options.channel ?? REDIS_CHANNEL;
    this.firstReady = new Promise((resolve) => {
      this.resolveReady = resolve;
    });
    const retryStrategy = (times: number) =>
      Math.min(RECONNECT_MIN_MS * 2 ** Math.min(times, 5), RECONNECT_MAX_MS);
    this.subscriber = new Redis(url, {
      retryStrategy,
      autoResubscribe: false,
      // Commands issued while disconnected would only pile up; `ready` resubscribes.
      enableOfflineQueue: false,
      connectTimeout: 2_000,
      keepAlive: 5_000,
      // Named so an operator (or a test) can find this instance's subscription.
      connectionName: `keyplane-invalidation-${this.instanceId}`,
    });
    this.publisher = new Redis(url, {
      retryStrategy,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      keepAlive: 5_000,
    });
    // ioredis reports every failed attempt as an `error` event; without a listener Node
    // would treat them as unhandled. Status changes are reported through `close`/`ready`.
    this.subscriber.on("error", () => {});
    this.publisher.on("error", () => {});
    this.subscriber.on("ready", () => void this.subscribe());
    this.subscriber.on("close", () => this.setConnected(false));
    this.subscriber.on("message", (channel: string, payload: string) => {
      if (channel !== this.channel) return;
      const hashes = decodeMessage(this.instanceId, payload);
      if (hashes && hashes.length > 0) this.handlers.onHashes(hashes);
    });
  }

  get connected(): boolean {
    return this.isConnected;
  }

  ready(): Promise<void> {
    return this.firstReady;
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      // The connection dropped again; the next `ready` retries.
      console.error("[invalidation] redis subscribe failed:", errorText(error));
      return;
    }
    this.setConnected(true);
    this.handlers.onResync();
    this.resolveReady();
  }

  private setConnected(connected: boolean): void {
    if (this.isConnected === connected || this.closed) return;
    this.isConnected = connected;
    this.handlers.onStatus?.(connected);
  }

  async publish(hashes: readonly string[]): Promise<void> {
    for (const message of encodeMessages(this.instanceId, hashes)) {
      await withRetry(
        () => this.publisher.publish(this.channel, message),
        () => this.closed,
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.isConnected = false;
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}

/**
 * PostgreSQL LISTEN/NOTIFY. Listening needs a connection of its own for as long as the
 * process lives (a pooled connection would lose the LISTEN when returned), and pg.Client
 * does not reconnect, so a dropped client is replaced with backoff. Publishing goes
 * through a small pool: `pg_notify` is delivered when its (auto-committed) statement
 * commits, i.e. after the key change it reports, which committed earlier.
 */
export class PgInvalidationTransport implements InvalidationTransport {
  readonly kind = "postgres";
  readonly instanceId: string;
  readonly channel: string;
  private readonly pool: pg.Pool;
  private listener: pg.Client | null = null;
  private isConnected = false;
  private closed = false;
  private attempt = 0;
  private firstReady: Promise<void>;
  private resolveReady: () => void = () => {};

  constructor(
    private readonly url: string,
    private readonly handlers: InvalidationHandlers,
    options: Options = {},
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.channel = options.channel ?? PG_CHANNEL;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.channel)) {
      // LISTEN takes an identifier, not a parameter; only plain names are accepted.
      throw new Error(`invalid LISTEN channel name: ${this.channel}`);
    }
    this.firstReady = new Promise((resolve) => {
      this.resolveReady = resolve;
    });
    // Publishing must not hang on a network that drops packets: a reply timeout, and
    // keepalive to find dead connections (the retry loop below bounds the whole).
    this.pool = new pg.Pool({
      connectionString: url,
      max: 2,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 2_000,
      query_timeout: 2_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
    });
    this.pool.on("error", () => {});
    void this.connect();
  }

  get connected(): boolean {
    return this.isConnected;
  }

  ready(): Promise<void> {
    return this.firstReady;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 2_000,
      // Named so an operator (or a test) can find this instance's LISTEN connection.
      application_name: `keyplane-invalidation-${this.instanceId}`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
    });
    this.listener = client;
    let dropped = false;
    const onDrop = () => {
      if (dropped) return;
      dropped = true;
      client.removeAllListeners("notification");
      void client.end().catch(() => {});
      if (this.listener === client) this.listener = null;
      this.setConnected(false);
      this.scheduleReconnect();
    };
    client.on("error", onDrop);
    client.on("end", onDrop);
    client.on("notification", (message) => {
      if (message.channel !== this.channel || !message.payload) return;
      const hashes = decodeMessage(this.instanceId, message.payload);
      if (hashes && hashes.length > 0) this.handlers.onHashes(hashes);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      if (!this.closed && this.attempt === 0) {
        console.error("[invalidation] postgres LISTEN failed:", errorText(error));
      }
      onDrop();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.attempt = 0;
    this.setConnected(true);
    this.handlers.onResync();
    this.resolveReady();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = Math.min(RECONNECT_MIN_MS * 2 ** Math.min(this.attempt, 5), RECONNECT_MAX_MS);
    this.attempt++;
    setTimeout(() => void this.connect(), delay).unref();
  }

  private setConnected(connected: boolean): void {
    if (this.isConnected === connected || this.closed) return;
    this.isConnected = connected;
    this.handlers.onStatus?.(connected);
  }

  async publish(hashes: readonly string[]): Promise<void> {
    for (const message of encodeMessages(this.instanceId, hashes)) {
      await withRetry(
        () => this.pool.query("SELECT pg_notify($1, $2)", [this.channel, message]),
        () => this.closed,
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.isConnected = false;
    const listener = this.listener;
    this.listener = null;
    await Promise.all([listener?.end().catch(() => {}), this.pool.end().catch(() => {})]);
  }
}
