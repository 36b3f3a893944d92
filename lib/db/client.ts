import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { dataDir, env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";
import type { DatabaseCircuit } from "./circuit";
import { DatabaseUnavailableError } from "./errors";
import { circuitOf, createPool } from "./pool";

export { circuitOf, createPool, onDatabaseRecovered, POOL_TIMEOUTS } from "./pool";

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
  staleMsForTesting?: number;
};
const scope = globalThis as { __keyplaneDb?: Holder };
scope.__keyplaneDb ??= {};
const holder: Holder = scope.__keyplaneDb;

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
 * The verify path's lookups (a key, a root key) give up after this long and answer 503,
 * opening the circuit: an index probe takes milliseconds, so a second means the database
 * is gone or drowning, and the pool's own timeouts are sized for the slowest query.
 */
export const LOOKUP_DEADLINE_MS = 1_000;

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
