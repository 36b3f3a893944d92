import { readFileSync } from "node:fs";
import path from "node:path";

/** What scripts/e2e-server.mjs created for this run; specs that seed data read it. */
export type E2eEnv = {
  baseURL: string;
  /** The run's own PostgreSQL database, when the run uses one. */
  databaseUrl?: string;
  /** The run's PGlite data directory otherwise (owned by the server process). */
  dataDir?: string;
  /** A file with everything the server printed during the run. */
  serverLog?: string;
};

export function readE2eEnv(): E2eEnv {
  const file = path.resolve(import.meta.dirname, "../../test-results/e2e-env.json");
  return JSON.parse(readFileSync(file, "utf8")) as E2eEnv;
}
