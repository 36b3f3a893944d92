#!/usr/bin/env node
// Runs the Prisma CLI the way Keyplane uses it: the WebAssembly schema engine and
// driver adapters, no native engines. The CLI still looks for engine binaries on
// start and tries to download them when they are missing, so it is pointed at
// empty placeholder files it will never execute.
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const EMBEDDED_URL_PLACEHOLDER = "postgresql://embedded.invalid/keyplane";

export function prismaEnv(env = process.env) {
  const dir = path.join(root, "node_modules", ".cache", "keyplane-prisma");
  mkdirSync(dir, { recursive: true });
  const schemaEngine = path.join(dir, "schema-engine-placeholder");
  const queryEngine = path.join(dir, "query-engine-placeholder.node");
  for (const file of [schemaEngine, queryEngine]) closeSync(openSync(file, "a"));
  return {
    ...env,
    PRISMA_SCHEMA_ENGINE_BINARY: schemaEngine,
    PRISMA_QUERY_ENGINE_LIBRARY: queryEngine,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
    // Prisma 6 validates the datasource URL even when an adapter connects.
    DATABASE_URL: env.DATABASE_URL || EMBEDDED_URL_PLACEHOLDER,
  };
}

export function runPrisma(args, options = {}) {
  const require = createRequire(import.meta.url);
  const cli = require.resolve("prisma/build/index.js");
  return spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    env: prismaEnv(options.env),
    stdio: options.stdio ?? "inherit",
    encoding: "utf8",
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const result = runPrisma(process.argv.slice(2));
  process.exit(result.status ?? 1);
}
