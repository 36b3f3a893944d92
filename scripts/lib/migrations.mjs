// Applies prisma/migrations/*/migration.sql in order and records each one in
// `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, SHA-256
// checksum of the file), so Prisma's own `migrate status` agrees with it.
//
// Keyplane runs migrations itself rather than through the Prisma CLI because the CLI,
// with the PGlite adapter, applies the migrations and then never exits (the embedded
// database keeps its event loop alive), and on PostgreSQL it idles ~10 s before exiting.
// Each migration runs in its own transaction, so a failing one leaves nothing behind.
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../prisma/migrations",
);

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Any number that no other Keyplane code uses for an advisory lock.
const LOCK_ID = 72_707_301;

export function listMigrations(dir = MIGRATIONS_DIR) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * @param {{ query: (sql: string, params?: unknown[]) => Promise<{ rows: any[] }>, exec: (sql: string) => Promise<unknown> }} database
 * @returns {Promise<{ applied: string[], total: number }>}
 */
export async function applyMigrations(database, dir = MIGRATIONS_DIR) {
  const migrations = listMigrations(dir);
  // Two instances starting at once must not both apply the same migration, nor race
  // each other creating the bookkeeping table, so the lock comes first.
  await database.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
  try {
    await database.exec(BOOKKEEPING);
    const { rows } = await database.query(
      `SELECT migration_name, checksum FROM "_prisma_migrations"
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const applied = [];
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was changed after it was applied to this database. Restore the committed file; write schema changes as a new migration (npm run db:migration <name>).`,
          );
        }
        continue;
      }
      const id = randomUUID();
      await database.exec("BEGIN");
      try {
        await database.exec(migration.sql);
        await database.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, migration.checksum, migration.name],
        );
        await database.exec("COMMIT");
      } catch (error) {
        await database.exec("ROLLBACK").catch(() => {});
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${migration.name} failed and was rolled back: ${message}`);
      }
      applied.push(migration.name);
    }
    return { applied, total: migrations.length };
  } finally {
    await database.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]);
  }
}

/** Wraps a node-postgres client. */
export function pgExecutor(client) {
  return { query: (sql, params) => client.query(sql, params), exec: (sql) => client.query(sql) };
}

/** Wraps a PGlite instance. */
export function pgliteExecutor(database) {
  return { query: (sql, params) => database.query(sql, params), exec: (sql) => database.exec(sql) };
}
