#!/usr/bin/env node
// `npm test`: every check Keyplane has. A failing step does not stop the others, so one
// run shows every problem; only steps that depend on a failed one are skipped (nothing
// can be end-to-end tested without a build). Ends with one line per step and the total
// test count, and exits non-zero when anything failed.
//
// With DATABASE_URL set, the unit and integration suite runs twice: against that
// PostgreSQL server and against PGlite, because Keyplane supports both.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = path.join(ROOT, "test-results");
const bin = (tool) => path.join(ROOT, "node_modules", ".bin", tool);

/** @type {{ name: string, status: "passed" | "failed" | "skipped", seconds?: number, note?: string }[]} */
const outcomes = [];
const counts = { passed: 0, failed: 0 };

function notPassed(names) {
  return names.filter((name) => outcomes.find((o) => o.name === name)?.status !== "passed");
}

function runStep(name, argv, { env = process.env, needs = [] } = {}) {
  const missing = notPassed(needs);
  if (missing.length > 0) {
    console.log(`\n– ${name}: skipped (${missing.join(", ")} did not pass)`);
    outcomes.push({ name, status: "skipped", note: `needs ${missing.join(", ")}` });
    return false;
  }
  console.log(`\n▶ ${name}: ${argv.map((a) => path.relative(ROOT, a) || a).join(" ")}`);
  const started = Date.now();
  const [command, ...args] = argv;
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: "inherit" });
  const seconds = (Date.now() - started) / 1000;
  const passed = result.status === 0;
  if (result.error) console.error(result.error.message);
  console.log(
    passed
      ? `✔ ${name} (${seconds.toFixed(1)} s)`
      : `✖ ${name} failed (exit ${result.status ?? result.signal}, ${seconds.toFixed(1)} s)`,
  );
  outcomes.push({ name, status: passed ? "passed" : "failed", seconds });
  return passed;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

// A test file that fails to load has no test results of its own; it counts as one
// failure so the total never reads "0 failed" for a broken suite.
function countVitest(file, stepName) {
  const report = readJson(file);
  if (!report) {
    noteMissingReport(stepName, file);
    return;
  }
  counts.passed += report.numPassedTests ?? 0;
  counts.failed += report.numFailedTests ?? 0;
  for (const suite of report.testResults ?? []) {
    if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) {
      counts.failed += 1;
    }
  }
}

// Errors outside any test (global setup, the web server) count as failures too.
function countPlaywright(file, stepName) {
  const report = readJson(file);
  if (!report) {
    noteMissingReport(stepName, file);
    return;
  }
  const stats = report.stats ?? {};
  counts.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  counts.failed += (stats.unexpected ?? 0) + (report.errors ?? []).length;
}

function noteMissingReport(stepName, file) {
  const outcome = outcomes.find((o) => o.name === stepName);
  if (outcome && outcome.status !== "skipped") {
    outcome.note = `no report at ${path.relative(ROOT, file)}`;
    if (outcome.status === "passed") outcome.status = "failed";
  }
}

function vitestRun(label, file, env) {
  const name = `unit and integration (${label})`;
  rmSync(file, { force: true });
  runStep(
    name,
    [bin("vitest"), "run", "--reporter=default", "--reporter=json", `--outputFile=${file}`],
    { env, needs: ["prisma client"] },
  );
  if (outcomes.at(-1)?.status !== "skipped") countVitest(file, name);
}

function checkChromium() {
  const executable = process.env.CHROMIUM_PATH?.trim() || "/usr/bin/chromium";
  const found = existsSync(executable);
  console.log(`\n▶ chromium: ${executable}`);
  if (!found) {
    console.error(
      `✖ Chromium not found at ${executable}. Install it with: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  } else {
    console.log("✔ chromium");
  }
  outcomes.push({ name: "chromium", status: found ? "passed" : "failed", seconds: 0 });
}

mkdirSync(RESULTS, { recursive: true });
const started = Date.now();

runStep("lint", [bin("biome"), "lint", "."]);
runStep("format", [bin("biome"), "format", "."]);
runStep("prisma client", [process.execPath, "scripts/prisma.mjs", "generate"]);
runStep("types", [bin("tsc"), "--noEmit"], { needs: ["prisma client"] });

const databaseUrl = process.env.DATABASE_URL?.trim();
const { DATABASE_URL: _ignored, ...withoutDatabase } = process.env;
if (databaseUrl) {
  vitestRun("PostgreSQL", path.join(RESULTS, "vitest-postgres.json"), process.env);
}
vitestRun("PGlite", path.join(RESULTS, "vitest-pglite.json"), withoutDatabase);

runStep("build", [bin("next"), "build"], {
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" },
  needs: ["prisma client"],
});
checkChromium();
const playwrightReport = path.join(RESULTS, "playwright.json");
rmSync(playwrightReport, { force: true });
runStep("end-to-end", [bin("playwright"), "test"], { needs: ["build", "chromium"] });
if (outcomes.at(-1)?.status !== "skipped") countPlaywright(playwrightReport, "end-to-end");

const width = Math.max(...outcomes.map((o) => o.name.length));
console.log("\nSummary");
for (const { name, status, seconds, note } of outcomes) {
  const mark = { passed: "✔", failed: "✖", skipped: "–" }[status];
  const time = seconds === undefined ? "" : `${seconds.toFixed(1).padStart(6)} s`;
  console.log(
    `  ${mark} ${name.padEnd(width)} ${status.padEnd(7)} ${time}${note ? `  (${note})` : ""}`,
  );
}
console.log(`  total ${((Date.now() - started) / 1000).toFixed(1)} s`);
const ok = outcomes.every((o) => o.status === "passed");
if (!ok) console.log("\nnpm test failed.");
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exit(ok ? 0 : 1);
