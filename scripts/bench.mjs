#!/usr/bin/env node
// `npm run bench`: Keyplane's performance figures, each printed with what it was
// measured against. Every section runs on a database made for the run and dropped
// after it. Uses the PostgreSQL server in DATABASE_URL when set (the figures that
// matter), otherwise a temporary embedded database.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed`);
}

async function withDatabase(body) {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "keyplane-bench-"));
    try {
      console.log("database: embedded PGlite (set DATABASE_URL for PostgreSQL figures)");
      return await body({ ...process.env, KEYPLANE_DATA_DIR: dir, DATABASE_URL: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `kp_bench_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    const { rows } = await admin.query("SHOW server_version");
    console.log(`database: PostgreSQL ${rows[0].server_version}, temporary database ${name}`);
    return await body({ ...process.env, DATABASE_URL: url.toString() });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function main() {
  console.log(`Keyplane benchmarks — ${os.cpus().length} CPUs, node ${process.version}\n`);
  await withDatabase(async (env) => {
    run(process.execPath, ["scripts/seed-keys.mjs", "--count", String(KEYS)], env);
    run(
      process.execPath,
      ["node_modules/.bin/tsx", "--conditions=react-server", "scripts/bench/key-list.ts"],
      env,
    );
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
