import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { dataDir, env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { DatabaseCircuit } from "./circuit";
import { DatabaseUnavailableError } from "./errors";

// The one place that constructs a Prisma client. Opened lazily on first use so that
// `next build` and module imports never touch a database.

export type Db = PrismaClient;

type Holder = {
  client?: PrismaClient;
  pool?: pg.Pool;
  circuit?: DatabaseCircuit;
  override?: PrismaClient;
  overridePool?: pg.Pool;
  overrideCircuit?: DatabaseCircuit;
  recoveryListeners?: Set<() => void>;
  staleMsForTesting?: number;
};
const scope = globalThis as { __keyplaneDb?: Holder };
scope.__keyplaneDb ??= {};
const holder: Holder = scope.__keyplaneDb;
holder.recoveryListeners ??= new Set();
const recoveryListeners = holder.recoveryListeners;

export function pgliteDirectory(): string {
  return path.join(dataDir(), "pglite");
}

/** Where the app's data lives, for messages (never includes a password). */
export function describeDatabaseTarget(): string {
  const url = env().DATABASE_URL;
  if (url) return url.replace(/\/\/[^@/]*@/, "//");
  return pgliteDirectory();
}

type AdapterFactory = NonNullable<
  NonNullable<ConstructorParameters<typeof PrismaClient>[0]>["adapter"]
>;

// pglite-prisma-adapter is built against an older copy of Prisma's adapter interface
// types; the runtime contract is the same (checked by the integration suite on PGlite).
export function pgliteAdapter(database: PGlite): AdapterFactory {
  return new PrismaPGlite(database) as unknown as AdapterFactory;
}

/**
 * How long the pool waits, so that nothing hangs when the database is slow or the network
 * drops packets (see README "Outages"):
 *  - connecting (TCP, startup and authentication), or waiting for a free connection:
 *    2 s (`connectionTimeoutMillis`);
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
  connectionTimeoutMillis: 2_000,
  statement_timeout: 5_000,
  query_timeout: 6_000,
  idle_in_transaction_session_timeout: 30_000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
} as const;

/**
 * The verify path's lookups (a key, a root key) give up after this long and answer 503,
 * opening the circuit: an index probe takes milliseconds, so a second means the database
 * is gone or drowning, and the pool's own timeouts are sized for the slowest query.
 */
export const LOOKUP_DEADLINE_MS = 1_000;

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

function currentCircuit(): DatabaseCircuit | undefined {
  return holder.override ? holder.overrideCircuit : holder.circuit;
}

/**
 * Since when (epoch ms) this process has known the database to be unreachable; 0 while
 * it answers, and always 0 on the embedded database (in-process, nothing to lose).
 * Synchronous and allocation-free: the caches of the verify path read it.
 */
export function databaseOutageSince(): number {
  const circuit = currentCircuit();
  return circuit === undefined ? 0 : circuit.openedAt;
}

/** KEYPLANE_OUTAGE_STALE_SECONDS in milliseconds. */
export function outageStaleMs(): number {
  return holder.staleMsForTesting ?? env().KEYPLANE_OUTAGE_STALE_SECONDS * 1_000;
}

/** Tests set the serve-stale bound without a new process (undefined: the environment's). */
export function setOutageStaleMsForTesting(ms: number | undefined): void {
  holder.staleMsForTesting = ms;
}

/**
 * True while the database is known to be unreachable and the outage is younger than the
 * serve-stale bound: a cached answer may then be given although it is past its freshness
 * (see README "Outages"). Never true on the embedded database.
 */
export function mayServeStale(now: number): boolean {
  const since = databaseOutageSince();
  return since !== 0 && now - since <= outageStaleMs();
}

/**
 * `work` (a database call), rejected with DatabaseUnavailableError if it has not answered
 * within `ms`, which also opens the circuit. For the lookups of the verify path, whose
 * answer is worth nothing after a second, while the pool's own timeouts are sized for
 * the slowest legitimate query. The call itself is not cancelled; the pool's timeouts
 * end it. Without a circuit (embedded database) `work` is returned as it is.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  const circuit = currentCircuit();
  if (circuit === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new DatabaseUnavailableError(`The database did not answer within ${ms} ms.`);
      circuit.recordFailure(error);
      reject(error);
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function createClient(): PrismaClient {
  const url = env().DATABASE_URL;
  if (url) {
    const pool = createPool(url);
    holder.pool = pool;
    holder.circuit = circuitOf(pool);
    return new PrismaClient({ adapter: new PrismaPg(pool) });
  }
  return new PrismaClient({ adapter: pgliteAdapter(new PGlite(pgliteDirectory())) });
}

/** The shared Prisma client for this process. */
export function db(): PrismaClient {
  if (holder.override) return holder.override;
  holder.client ??= createClient();
  return holder.client;
}

/**
 * The connection pool behind db() on PostgreSQL, or null (PGlite, or a test client given
 * without one). For the few bulk writes where Prisma's handling of a large raw-query
 * parameter costs more than the database work (usage batches); everything else goes
 * through db().
 */
export function pgPool(): pg.Pool | null {
  if (holder.override) return holder.overridePool ?? null;
  db();
  return holder.pool ?? null;
}

/** Tests point the data-access layer at a database of their own (and its pool, if any). */
export function setDbForTesting(client: PrismaClient | undefined, pool?: pg.Pool): void {
  holder.override = client;
  holder.overridePool = client ? pool : undefined;
  holder.overrideCircuit = client && pool ? circuitOf(pool) : undefined;
}
