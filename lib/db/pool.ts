import pg from "pg";
import { DatabaseCircuit } from "./circuit";

// The PostgreSQL connection pool: its timeouts and its circuit breaker (README "Outages").
// client.ts builds the app's pool here; tests build theirs here too, so they get the
// same behaviour.

type Holder = { recoveryListeners?: Set<() => void> };
// On globalThis because Next.js may bundle this module more than once per process; the
// caches that subscribe and the pool that notifies must share one set.
const scope = globalThis as { __keyplaneDbPool?: Holder };
scope.__keyplaneDbPool ??= {};
scope.__keyplaneDbPool.recoveryListeners ??= new Set();
const recoveryListeners = scope.__keyplaneDbPool.recoveryListeners;

/**
 * How long the pool waits, so that nothing hangs when the database is slow or the network
 * drops packets (see README "Outages"):
 *  - connecting (TCP, startup and authentication), or waiting for a free connection:
 *    5 s (`connectionTimeoutMillis`): a burst that saturates the pool queues for a
 *    moment; an unreachable database is noticed sooner by the circuit (a lookup on the
 *    verify path gives up after LOOKUP_DEADLINE_MS);
 *  - a statement, on the server: 5 s (`statement_timeout`; the slowest queries of the
 *    dashboard take tens of milliseconds on 10 million events);
 *  - a reply, on the client: 6 s (`query_timeout`), for when the server never hears the
 *    query or its answer never arrives, which no server-side timeout can see;
 *  - an open transaction left idle by a client that vanished: 30 s on the server, so its
 *    locks do not wait for the kernel to notice the dead connection;
 *  - TCP keepalive after 10 s idle, so a connection whose peer vanished is found dead
 *    and replaced instead of being handed out again.
 */
export const POOL_TIMEOUTS = {
  connectionTimeoutMillis: 5_000,
  statement_timeout: 5_000,
  query_timeout: 6_000,
  idle_in_transaction_session_timeout: 30_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
} as const;

/** The circuit probe's own timeout: it only asks `SELECT 1`. */
export const PROBE_TIMEOUT_MS = 1_000;

const circuits = new WeakMap<pg.Pool, DatabaseCircuit>();

type Call = (...args: unknown[]) => unknown;

/**
 * A pool to PostgreSQL with Keyplane's timeouts and its circuit breaker: while the
 * circuit is open, `query()` and `connect()` reject at once with
 * DatabaseUnavailableError; otherwise each answer closes it and each failure that means
 * "unreachable" opens it. Their callback forms are pg-pool's own internals (its `query`
 * connects through `connect(callback)`) and pass through unguarded.
 */
export function createPool(url: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, ...POOL_TIMEOUTS });
  // A connection that dies while idle (server restart) is replaced on the next checkout.
  pool.on("error", () => {});
  const query = pool.query.bind(pool) as Call;
  const connect = pool.connect.bind(pool) as Call;
  const circuit = new DatabaseCircuit(
    () => query({ text: "SELECT 1", query_timeout: PROBE_TIMEOUT_MS }) as Promise<unknown>,
    notifyRecovered,
  );
  const answered = <T>(value: T): T => {
    circuit.recordSuccess();
    return value;
  };
  const failed = (error: unknown): never => {
    circuit.recordFailure(error);
    throw error;
  };
  // A submittable (a cursor) comes back as itself, not as a promise: left alone.
  const observed = (result: unknown) =>
    result instanceof Promise ? result.then(answered, failed) : result;
  const isCallbackCall = (args: unknown[]) => typeof args[args.length - 1] === "function";
  const guard =
    (call: Call): Call =>
    (...args) => {
      if (isCallbackCall(args)) return call(...args);
      if (circuit.openedAt !== 0) return Promise.reject(circuit.unavailable());
      return observed(call(...args));
    };
  Object.assign(pool, { query: guard(query), connect: guard(connect) });
  pool.on("connect", (client) => {
    // A connection that dies while checked out (a transaction under way when the server
    // restarts or the network resets) emits `error` on its client; its queries fail and
    // its holder releases it, but an `error` event nobody listens to would end the process.
    client.on("error", () => {});
    // The queries of a checked-out connection (transactions, the usage writer) tell the
    // circuit too, so a silent network is noticed by whichever call meets it first.
    const clientQuery = client.query.bind(client) as Call;
    Object.assign(client, {
      query: (...args: unknown[]) =>
        isCallbackCall(args) ? clientQuery(...args) : observed(clientQuery(...args)),
    });
  });
  const end = pool.end.bind(pool) as Call;
  Object.assign(pool, {
    end: (...args: unknown[]) => {
      circuit.stop();
      return end(...args);
    },
  });
  circuits.set(pool, circuit);
  return pool;
}

/** The circuit of a pool made by createPool (undefined for any other pool). */
export function circuitOf(pool: pg.Pool): DatabaseCircuit | undefined {
  return circuits.get(pool);
}

function notifyRecovered(): void {
  for (const listener of recoveryListeners) {
    try {
      listener();
    } catch (error) {
      console.error("[db] recovery listener failed:", error);
    }
  }
}

/**
 * Runs `listener` each time the database answers again after an outage (the circuit
 * closes), so caches that served stale answers can resynchronise. Returns the
 * unsubscribe function.
 */
export function onDatabaseRecovered(listener: () => void): () => void {
  recoveryListeners.add(listener);
  return () => recoveryListeners.delete(listener);
}
