// What `npm start` and the end-to-end server share: generating the Prisma client and
// building the app only when their inputs changed, running the Next.js CLI and the server.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const PRISMA_CLIENT = path.join(ROOT, "lib/generated/prisma/client.ts");
const PRISMA_SCHEMA = path.join(ROOT, "prisma/schema.prisma");
const BUILD_ID = path.join(ROOT, ".next/BUILD_ID");

// Everything `next build` compiles. Tests and the generated client are left out: tests
// are not part of the build, and the client only changes when the schema does.
const SOURCE_DIRECTORIES = ["app", "components", "lib"];
const SOURCE_FILES = [
  "next.config.ts",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
  "instrumentation.ts",
  "proxy.ts",
  "instrumentation-client.ts",
  "prisma/schema.prisma",
];
const SKIPPED_DIRECTORIES = new Set([
  path.join(ROOT, "lib/generated"),
  path.join(ROOT, "lib/testing"),
]);
const TEST_FILE = /\.test\.tsx?$/;

function modifiedAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestIn(directory) {
  let newest = { file: undefined, time: 0 };
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(full)) continue;
      const inner = newestIn(full);
      if (inner.time > newest.time) newest = inner;
    } else if (entry.isFile() && !TEST_FILE.test(entry.name)) {
      const time = modifiedAt(full) ?? 0;
      if (time > newest.time) newest = { file: full, time };
    }
  }
  return newest;
}

export function isPrismaClientStale() {
  const generated = modifiedAt(PRISMA_CLIENT);
  return generated === undefined || generated < (modifiedAt(PRISMA_SCHEMA) ?? 0);
}

/** Why the app must be (re)built, or null when `.next` is up to date. */
export function buildStaleReason() {
  const built = modifiedAt(BUILD_ID);
  if (built === undefined) return "no build yet";
  for (const directory of SOURCE_DIRECTORIES) {
    const { file, time } = newestIn(path.join(ROOT, directory));
    if (file && time > built) return `${path.relative(ROOT, file)} changed`;
  }
  for (const file of SOURCE_FILES) {
    if ((modifiedAt(path.join(ROOT, file)) ?? 0) > built) return `${file} changed`;
  }
  return null;
}

export function hasBuild() {
  return existsSync(BUILD_ID);
}

function nextCli() {
  return createRequire(import.meta.url).resolve("next/dist/bin/next");
}

/**
 * Starts a Node child from the project root with the given env; output goes straight
 * to this terminal and, when `logFile` is given, is also appended to that file (the
 * end-to-end tests read it to prove secrets never reach the server's output).
 * Resolves with the exit code (128 + signal number when killed).
 */
export function spawnNode(args, env, onSpawn, logFile) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: logFile ? ["inherit", "pipe", "pipe"] : "inherit",
    });
    if (logFile && child.stdout && child.stderr) {
      const log = createWriteStream(logFile, { flags: "a" });
      child.stdout.on("data", (chunk) => {
        process.stdout.write(chunk);
        log.write(chunk);
      });
      child.stderr.on("data", (chunk) => {
        process.stderr.write(chunk);
        log.write(chunk);
      });
      child.on("close", () => log.end());
    }
    onSpawn?.(child);
    child.on("error", (error) => {
      console.error(error.message);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(exitCodeOf(code, signal)));
  });
}

export function exitCodeOf(code, signal) {
  if (code !== null) return code;
  const signals = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (signals[signal] ?? 1);
}

export function runNext(args, env, onSpawn, logFile) {
  return spawnNode([nextCli(), ...args], env, onSpawn, logFile);
}

/**
 * Runs Keyplane's production server (scripts/server.mjs: Next.js's request handler plus
 * the node:http verify fast path) with `next start`'s flags: --port, --hostname.
 */
export function runServer(args, env, onSpawn, logFile) {
  return spawnNode([path.join(ROOT, "scripts/server.mjs"), ...args], env, onSpawn, logFile);
}

export function runPrismaGenerate(env, onSpawn) {
  return spawnNode([path.join(ROOT, "scripts/prisma.mjs"), "generate"], env, onSpawn);
}
