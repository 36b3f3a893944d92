import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { dataDir, env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

// The one place that constructs a Prisma client. Opened lazily on first use so that
// `next build` and module imports never touch a database.

export type Db = PrismaClient;

type Holder = {
  client?: PrismaClient;
  pool?: pg.Pool;
  override?: PrismaClient;
  overridePool?: pg.Pool;
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

function createClient(): PrismaClient {
  const url = env().DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
    // A connection that dies while idle (server restart) is replaced on the next checkout.
    pool.on("error", () => {});
    holder.pool = pool;
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
}
