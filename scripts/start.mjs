#!/usr/bin/env node
// `npm start`: everything a fresh clone needs to serve Keyplane, with no configuration.
// Secrets are created once and kept in the data directory, migrations are applied, the
// Prisma client and the Next.js build are refreshed when their sources changed, and
// scripts/server.mjs (Next.js's request handler plus the node:http verify fast path)
// serves the app.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { dataDirectory, migrate } from "./migrate.mjs";
import {
  buildStaleReason,
  exitCodeOf,
  isPrismaClientStale,
  runNext,
  runPrismaGenerate,
  runServer,
} from "./lib/next-app.mjs";

const SIGNALS = ["SIGINT", "SIGTERM"];

/** The child currently running (generate, build or the server); signals go to it. */
let child;
let stopping = false;
for (const signal of SIGNALS) {
  process.on(signal, () => {
    stopping = true;
    if (child && child.exitCode === null) child.kill(signal);
    else process.exit(exitCodeOf(null, signal));
  });
}

/**
 * Returns the value of the first set variable, else the secret stored in `file`, else a
 * new one written there. Printing where it went tells the operator what to back up.
 */
function loadSecret({ variables, file, create, label }) {
  for (const name of variables) {
    const value = process.env[name]?.trim();
    if (value) return value;
  }
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored) return stored;
  } catch (error) {
    if (error?.code !== "ENOENT") throw error;
  }
  const secret = create();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  // The mode above only applies to new files; an empty leftover keeps its old mode.
  chmodSync(file, 0o600);
  const shown = file.startsWith(`${process.cwd()}${path.sep}`)
    ? path.relative(process.cwd(), file)
    : file;
  console.log(`Generated ${label} in ${shown} (set ${variables[0]} to use your own).`);
  return secret;
}

// Shells and containers export HOSTNAME as the machine's name, which is not a choice of
// listen address; only a different value is taken as one.
function listenHost() {
  const host = process.env.HOSTNAME?.trim();
  if (!host || host === os.hostname()) return undefined;
  return host;
}

function displayHost(host) {
  if (!host || ["0.0.0.0", "::", "127.0.0.1", "::1", "localhost"].includes(host)) {
    return "localhost";
  }
  return host.includes(":") ? `[${host}]` : host;
}

function probeHost(host) {
  if (!host || host === "0.0.0.0" || host === "localhost") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

async function waitUntilServing(url, server) {
  while (server.exitCode === null && server.signalCode === null) {
    try {
      await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return false;
}

async function main() {
  const port = process.env.PORT?.trim() || "3000";
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535) {
    console.error(`PORT must be a number from 1 to 65535, not "${process.env.PORT}".`);
    return 1;
  }
  const dataDir = dataDirectory(process.env);
  const authSecret = loadSecret({
    variables: ["AUTH_SECRET", "NEXTAUTH_SECRET"],
    file: path.join(dataDir, "auth-secret"),
    create: () => randomBytes(32).toString("base64url"),
    label: "a session signing secret",
  });
  // Next.js encrypts the variables that server actions close over with this AES key;
  // keeping it stable lets open pages keep working across restarts and instances.
  const actionsKey = loadSecret({
    variables: ["NEXT_SERVER_ACTIONS_ENCRYPTION_KEY"],
    file: path.join(dataDir, "server-actions-key"),
    create: () => randomBytes(32).toString("base64"),
    label: "a server actions encryption key",
  });

  const env = {
    ...process.env,
    KEYPLANE_DATA_DIR: dataDir,
    AUTH_SECRET: authSecret,
    NEXTAUTH_SECRET: authSecret,
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: actionsKey,
    NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1",
  };
  // Without a configured public URL, next-auth must take the host from the request.
  if (!env.NEXTAUTH_URL && !env.AUTH_TRUST_HOST) env.AUTH_TRUST_HOST = "true";

  try {
    await migrate(env);
  } catch (error) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  if (isPrismaClientStale()) {
    console.log("Generating the Prisma client…");
    const code = await runPrismaGenerate(env, (c) => {
      child = c;
    });
    if (code !== 0 || stopping) {
      if (!stopping) console.error("\nGenerating the Prisma client failed (see above).");
      return code || 1;
    }
  }

  const reason = buildStaleReason();
  if (reason) {
    console.log(`Building Keyplane (first start or sources changed)… [${reason}]`);
    const code = await runNext(["build"], env, (c) => {
      child = c;
    });
    if (code !== 0 || stopping) {
      if (!stopping) console.error("\nThe build failed (see above); Keyplane was not started.");
      return code || 1;
    }
  }

  const host = listenHost();
  const args = ["--port", port, ...(host ? ["--hostname", host] : [])];
  const exited = runServer(args, env, (c) => {
    child = c;
  });
  const server = child;
  if (server && (await waitUntilServing(`http://${probeHost(host)}:${port}/`, server))) {
    console.log(`\nKeyplane is running at http://${displayHost(host)}:${port}`);
    console.log("Open it to sign up; the first account creates your organization.\n");
  }
  return exited;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
