#!/usr/bin/env node
// Applies the committed migrations to the database Keyplane will open: the PostgreSQL
// in DATABASE_URL, or the embedded PGlite directory under KEYPLANE_DATA_DIR (.data/).
// Run it before the server starts: PGlite allows one process per directory.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations, pgExecutor, pgliteExecutor } from "./lib/migrations.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function dataDirectory(env = process.env) {
  return path.resolve(root, env.KEYPLANE_DATA_DIR ?? ".data");
}

export function isEmbedded(env = process.env) {
  return !env.DATABASE_URL || env.DATABASE_URL.includes("embedded.invalid");
}

export function redactUrl(url) {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

/** One sentence that says what went wrong and what to do, or null when unknown. */
export function explainDatabaseError(error, target, embedded) {
  const message = `${error?.message ?? error} ${error?.cause?.message ?? ""}`;
  const code = error?.code ?? error?.cause?.code;
  if (/Aborted\(\)/.test(message)) {
    return `The embedded database in ${target} cannot be opened (an earlier start was probably interrupted while creating it). Stop Keyplane, delete that directory and start again.`;
  }
  if (/EACCES|EROFS|EPERM|permission denied/i.test(message) || code === "EACCES") {
    return `Keyplane cannot write to ${target}. Make it writable, or set KEYPLANE_DATA_DIR to a directory that is.`;
  }
  if (embedded) return null;
  if (code === "3D000" || /database .* does not exist/i.test(message)) {
    return `The database named in DATABASE_URL (${target}) does not exist. Create it first (createdb), or fix DATABASE_URL.`;
  }
  if (code === "28P01" || code === "28000" || /authentication failed/i.test(message)) {
    return `PostgreSQL at ${target} refused the credentials in DATABASE_URL.`;
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|timeout/i.test(`${message} ${code}`)) {
    return `Cannot reach PostgreSQL at ${target}. Start it, fix DATABASE_URL, or unset DATABASE_URL to use the embedded database.`;
  }
  return null;
}

// A process killed while PGlite initialises a directory leaves it unusable, so a new
// database is created in a temporary directory and renamed into place when complete.
async function openPglite(env) {
  const { PGlite } = await import("@electric-sql/pglite");
  const dir = path.join(dataDirectory(env), "pglite");
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    if (existsSync(dir)) {
      throw new Error(
        `${dir} exists but holds no database (an earlier start was interrupted). Delete it and start again.`,
      );
    }
    mkdirSync(path.dirname(dir), { recursive: true });
    const tmp = `${dir}.init-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const fresh = new PGlite(tmp);
    await fresh.waitReady;
    await fresh.close();
    renameSync(tmp, dir);
    console.log(`Created the embedded database in ${dir}`);
  }
  const database = new PGlite(dir);
  await database.waitReady;
  return { executor: pgliteExecutor(database), close: () => database.close(), target: dir };
}

async function openPostgres(env) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString: env.DATABASE_URL,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client whose server goes away emits 'error'; the next query reports it.
  client.on("error", () => {});
  await client.connect();
  return { executor: pgExecutor(client), close: () => client.end() };
}

/** Applies pending migrations; throws an Error with a readable message on failure. */
export async function migrate(env = process.env) {
  const embedded = isEmbedded(env);
  const target = embedded
    ? path.join(dataDirectory(env), "pglite")
    : redactUrl(env.DATABASE_URL ?? "");
  let connection;
  try {
    connection = embedded ? await openPglite(env) : await openPostgres(env);
    const { applied, total } = await applyMigrations(connection.executor);
    const state = applied.length
      ? `applied ${applied.length} migration${applied.length === 1 ? "" : "s"}`
      : "up to date";
    console.log(`Database ${target}: ${state} (${total} in prisma/migrations).`);
  } catch (error) {
    const explained = explainDatabaseError(error, target, embedded);
    throw new Error(explained ?? (error instanceof Error ? error.message : String(error)));
  } finally {
    await connection?.close().catch(() => {});
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  migrate().catch((error) => {
    console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
