#!/usr/bin/env node
// `npm run db:migration <name>` writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that turns the last committed schema into the working-tree schema.
// It diffs two datamodels, so it needs no database and no shadow database.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runPrisma } from "./prisma.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration <name>   (lower-case letters, digits and _)");
  process.exit(2);
}

const migrationsDir = path.join("prisma", "migrations");
let previous = null;
try {
  previous = execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
} catch {
  previous = null;
}
const hasMigrations =
  readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).length > 0;
if (hasMigrations && previous === null) {
  console.error("prisma/schema.prisma is not committed yet, but migrations exist: commit first.");
  process.exit(2);
}

const from = ["--from-empty"];
if (hasMigrations && previous !== null) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "keyplane-schema-"));
  const previousFile = path.join(tmp, "schema.prisma");
  writeFileSync(previousFile, previous);
  from.splice(0, 1, "--from-schema-datamodel", previousFile);
}

const result = runPrisma(
  [
    "migrate",
    "diff",
    ...from,
    "--to-schema-datamodel",
    path.join("prisma", "schema.prisma"),
    "--script",
  ],
  {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DATABASE_URL: "", KEYPLANE_PRISMA_NO_DB: "1" },
  },
);
if (result.status !== 0) process.exit(result.status ?? 1);
if (/^-- This is an empty migration\.?\s*$/m.test(result.stdout)) {
  console.log("The schema has not changed since the last commit: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), result.stdout);
console.log(`Wrote ${path.join(dir, "migration.sql")}`);
