#!/usr/bin/env node
// `npm test`: every check Keyplane has, in order, stopping at the first failure.
import { spawnSync } from "node:child_process";

const steps = [
  ["lint", ["npx", "biome", "lint", "."]],
  ["format", ["npx", "biome", "format", "."]],
  ["prisma client", ["node", "scripts/prisma.mjs", "generate"]],
  ["types", ["npx", "tsc", "--noEmit"]],
  ["unit and integration", ["npx", "vitest", "run"]],
];

for (const [name, [command, ...args]] of steps) {
  console.log(`\n▶ ${name}: ${[command, ...args].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n✖ ${name} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
