import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  applyMigrations,
  listMigrations,
  MIGRATIONS_DIR,
  pgliteExecutor,
} from "./lib/migrations.mjs";
import { migrate } from "./migrate.mjs";

const serverUrl = process.env.DATABASE_URL;
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "keyplane-migrate-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("migration runner", () => {
  it("applies every migration once and records them as Prisma does", async () => {
    const database = new PGlite();
    cleanups.push(() => database.close());
    const first = await applyMigrations(pgliteExecutor(database));
    expect(first.applied).toEqual(listMigrations().map((m) => m.name));
    const second = await applyMigrations(pgliteExecutor(database));
    expect(second.applied).toEqual([]);
    const { rows } = await database.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
    }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(listMigrations().map((m) => m.name));
    expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(
      true,
    );
    await expect(database.query('SELECT count(*) FROM "ApiKey"')).resolves.toBeDefined();
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const dir = tempDir();
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const database = new PGlite();
    cleanups.push(() => database.close());
    await applyMigrations(pgliteExecutor(database), dir);
    const [first] = listMigrations(dir);
    if (!first) throw new Error("no migrations");
    writeFileSync(path.join(dir, first.name, "migration.sql"), `${first.sql}\n-- edited\n`);
    await expect(applyMigrations(pgliteExecutor(database), dir)).rejects.toThrow(
      /was changed after it was applied/,
    );
  });

  it("rolls back a failing migration completely", async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "20000101000000_broken"));
    writeFileSync(
      path.join(dir, "20000101000000_broken", "migration.sql"),
      'CREATE TABLE "half" (id int);\nSELECT * FROM "no_such_table";',
    );
    const database = new PGlite();
    cleanups.push(() => database.close());
    await expect(applyMigrations(pgliteExecutor(database), dir)).rejects.toThrow(
      /20000101000000_broken failed and was rolled back/,
    );
    const { rows } = await database.query("SELECT to_regclass('half') AS t");
    expect(rows).toEqual([{ t: null }]);
  });
});

describe("migrate() on the embedded database", () => {
  it("creates the directory on first start and is idempotent afterwards", async () => {
    const dataDir = tempDir();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await migrate({ KEYPLANE_DATA_DIR: dataDir });
    await migrate({ KEYPLANE_DATA_DIR: dataDir });
    const lines = log.mock.calls.map((c) => String(c[0]));
    log.mockRestore();
    expect(lines.some((l) => l.startsWith("Created the embedded database"))).toBe(true);
    expect(lines.at(-1)).toMatch(/up to date/);
  });

  it("explains a directory left behind by an interrupted first start", async () => {
    const dataDir = tempDir();
    mkdirSync(path.join(dataDir, "pglite"));
    await expect(migrate({ KEYPLANE_DATA_DIR: dataDir })).rejects.toThrow(
      /holds no database \(an earlier start was interrupted\)\. Delete it and start again\./,
    );
  });
});

describe("migrate() on PostgreSQL", () => {
  it("says clearly when the server cannot be reached", async () => {
    await expect(
      migrate({ DATABASE_URL: "postgresql://postgres@127.0.0.1:1/keyplane" }),
    ).rejects.toThrow(
      /^Cannot reach PostgreSQL at 127\.0\.0\.1:1\/keyplane\. Start it, fix DATABASE_URL/,
    );
  });

  it.runIf(serverUrl)(
    "says clearly when the database does not exist, and migrates a real one",
    async () => {
      const url = new URL(serverUrl ?? "");
      url.pathname = `/kp_missing_${randomBytes(4).toString("hex")}`;
      await expect(migrate({ DATABASE_URL: url.toString() })).rejects.toThrow(
        /does not exist\. Create it first/,
      );

      const name = `kp_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      cleanups.push(async () => {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      });
      url.pathname = `/${name}`;
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      // Two instances starting at once: the advisory lock lets exactly one apply each migration.
      await Promise.all([
        migrate({ DATABASE_URL: url.toString() }),
        migrate({ DATABASE_URL: url.toString() }),
      ]);
      log.mockRestore();
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query('SELECT count(*)::int AS n FROM "_prisma_migrations"');
      await check.end();
      expect(rows[0].n).toBe(listMigrations().length);
    },
  );
});
