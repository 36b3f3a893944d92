#!/usr/bin/env node
// Playwright's webServer: the built app on a database made for this run alone, removed
// again when Playwright stops the server. With DATABASE_URL (a PostgreSQL server) it
// creates a kp_e2e_* database there; without, it uses PGlite in a new temp directory.
// The developer's .data/ is never touched.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { buildStaleReason, exitCodeOf, ROOT, runNext, runServer } from "./lib/next-app.mjs";
import { isEmbedded, migrate, redactUrl } from "./migrate.mjs";

const DB_PREFIX = "kp_e2e_";
const TEMP_PREFIX = "keyplane-e2e-";
// A run killed outright (SIGKILL) cannot clean up; CI reuses the PostgreSQL server and
// the temp directory, so leftovers older than any run are removed at the next start.
const STALE_AFTER_MS = 2 * 60 * 60 * 1000;
const ENV_FILE = path.join(ROOT, "test-results/e2e-env.json");
const SERVER_LOG = path.join(ROOT, "test-results/e2e-server.log");

const port = process.env.E2E_PORT?.trim() || "3100";
const baseURL = `http://localhost:${port}`;

/** What was created for this run, so cleanup knows what to remove. */
const created = { database: undefined, serverUrl: undefined, dataDir: undefined };
let server;
let cleaning;

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withAdmin(serverUrl, work) {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end().catch(() => {});
  }
}

async function createDatabase(serverUrl) {
  const name = `${DB_PREFIX}${Date.now()}_${randomBytes(4).toString("hex")}`;
  await withAdmin(serverUrl, async (admin) => {
    const { rows } = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      `${DB_PREFIX}%`,
    ]);
    for (const { datname } of rows) {
      const stamp = Number(datname.slice(DB_PREFIX.length).split("_")[0]);
      if (Number.isFinite(stamp) && Date.now() - stamp > STALE_AFTER_MS) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
      }
    }
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  created.database = name;
  created.serverUrl = serverUrl;
  return withDatabase(serverUrl, name);
}

function createDataDirectory() {
  const tmp = os.tmpdir();
  for (const entry of readdirSync(tmp)) {
    if (!entry.startsWith(TEMP_PREFIX)) continue;
    const full = path.join(tmp, entry);
    try {
      if (Date.now() - statSync(full).mtimeMs > STALE_AFTER_MS) {
        rmSync(full, { recursive: true, force: true });
      }
    } catch {
      // Another run removed it first.
    }
  }
  created.dataDir = mkdtempSync(path.join(tmp, TEMP_PREFIX));
  return created.dataDir;
}

async function cleanUp() {
  cleaning ??= (async () => {
    rmSync(ENV_FILE, { force: true });
    if (created.dataDir) {
      rmSync(created.dataDir, { recursive: true, force: true });
      console.log(`e2e: removed ${created.dataDir}`);
    }
    if (created.database && created.serverUrl) {
      const { database, serverUrl } = created;
      await withAdmin(serverUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
      ).then(
        () => console.log(`e2e: dropped database ${database}`),
        (error) => console.error(`e2e: could not drop database ${database}: ${error.message}`),
      );
    }
  })();
  return cleaning;
}

async function stop(signal) {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill(signal);
    await exited;
  }
  await cleanUp();
  process.exit(exitCodeOf(null, signal));
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => void stop(signal));
}
// Last resort for an unexpected exit: the temp directory can still go synchronously.
process.on("exit", () => {
  if (created.dataDir) rmSync(created.dataDir, { recursive: true, force: true });
});

async function main() {
  const reason = buildStaleReason();
  // Random per run: no session or encrypted action payload outlives the run.
  const authSecret = randomBytes(32).toString("base64url");
  const runEnv = {
    ...process.env,
    AUTH_SECRET: authSecret,
    NEXTAUTH_SECRET: authSecret,
    NEXTAUTH_URL: baseURL,
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    // Every test signs in from 127.0.0.1; the production limit would trip mid-run.
    KEYPLANE_SIGNIN_IP_LIMIT: "1000",
    NEXT_TELEMETRY_DISABLED: "1",
  };

  if (reason) {
    console.log(`e2e: building Keyplane first (${reason})…`);
    const code = await runNext(["build"], runEnv, (child) => {
      server = child;
    });
    if (code !== 0) throw new Error("next build failed (see above).");
  }

  const configured = process.env.DATABASE_URL?.trim();
  const serverUrl = configured && !isEmbedded(process.env) ? configured : undefined;
  const details = { baseURL };
  if (serverUrl) {
    runEnv.DATABASE_URL = await createDatabase(serverUrl);
    delete runEnv.KEYPLANE_DATA_DIR;
    details.databaseUrl = runEnv.DATABASE_URL;
    console.log(`e2e: created database ${redactUrl(runEnv.DATABASE_URL)}`);
  } else {
    delete runEnv.DATABASE_URL;
    runEnv.KEYPLANE_DATA_DIR = createDataDirectory();
    details.dataDir = runEnv.KEYPLANE_DATA_DIR;
    console.log(`e2e: embedded database in ${runEnv.KEYPLANE_DATA_DIR}`);
  }
  await migrate(runEnv);

  mkdirSync(path.dirname(ENV_FILE), { recursive: true });
  // Everything the server prints also goes to this file, so specs can check what a
  // server operator's logs would contain.
  details.serverLog = SERVER_LOG;
  writeFileSync(SERVER_LOG, "");
  writeFileSync(ENV_FILE, `${JSON.stringify(details, null, 2)}\n`);

  // The same server as `npm start` (scripts/server.mjs).
  const code = await runServer(
    ["--port", port],
    runEnv,
    (child) => {
      server = child;
    },
    SERVER_LOG,
  );
  // Reached only when the server stopped on its own (a crash); signals exit in stop().
  await cleanUp();
  return code;
}

main().then(
  (code) => process.exit(code),
  async (error) => {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    await cleanUp();
    process.exit(1);
  },
);
