import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { setDbForTesting } from "@/lib/db";
import { pgliteAdapter } from "@/lib/db/client";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { applyMigrations, pgExecutor, pgliteExecutor } from "@/scripts/lib/migrations.mjs";

// Each integration test file gets a database of its own: a fresh PostgreSQL database
// when DATABASE_URL points at a server, an in-memory PGlite otherwise. Both are
// migrated with the committed migrations, so the tests run against the real schema.

const TEST_DB_PREFIX = "kp_test_";

/** True when the suite runs against a PostgreSQL server (DATABASE_URL), not PGlite. */
export const testsUsePostgres = Boolean(process.env.DATABASE_URL);
const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

export type TestDatabase = {
  client: PrismaClient;
  kind: "postgres" | "pglite";
  /** Connection string of the test database (PostgreSQL only). */
  url?: string;
  /** The pool behind `client` (PostgreSQL only). */
  pool?: pg.Pool;
  drop(): Promise<void>;
};

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

// A crashed run leaves its databases behind; CI reuses the server, so clean them up.
async function dropStaleDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE $1",
    [`${TEST_DB_PREFIX}%`],
  );
  const now = Date.now();
  for (const { datname } of rows) {
    const stamp = Number(datname.slice(TEST_DB_PREFIX.length).split("_")[0]);
    if (Number.isFinite(stamp) && now - stamp > STALE_AFTER_MS) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const lite = new PGlite();
    await applyMigrations(pgliteExecutor(lite));
    const client = new PrismaClient({ adapter: pgliteAdapter(lite) });
    return {
      client,
      kind: "pglite",
      async drop() {
        await client.$disconnect();
        await lite.close();
      },
    };
  }

  const name = `${TEST_DB_PREFIX}${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await dropStaleDatabases(admin);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  try {
    await applyMigrations(pgExecutor(setup));
  } finally {
    await setup.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  pool.on("error", () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    client,
    pool,
    kind: "postgres",
    url,
    async drop() {
      await client.$disconnect();
      await pool.end();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/**
 * Gives the calling test file a fresh, migrated database and points the data-access
 * layer at it for the whole file. Returns a getter for the database handle.
 */
export function setupTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    setDbForTesting(database.client, database.pool);
  });
  afterAll(async () => {
    setDbForTesting(undefined);
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error("setupTestDatabase(): the database is created in beforeAll");
    return database;
  };
}
