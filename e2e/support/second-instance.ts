import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

// A second server (scripts/server.mjs, what `npm start` runs) of the same build, on the run's PostgreSQL database and Redis, so
// specs can prove what crosses instances (cache invalidation, shared rate limits) and
// what a real server does on SIGTERM. It shares nothing with the first server but the
// database and Redis, like two instances behind a load balancer.

const ROOT = path.resolve(import.meta.dirname, "../..");

export type SecondInstance = {
  baseURL: string;
  child: ChildProcess;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
};

/** The port of an extra instance: E2E_PORT + `offset` (1 for the second server). */
export function secondInstancePort(offset = 1): number {
  const first = Number(process.env.E2E_PORT?.trim() || "3100");
  return first + offset;
}

async function waitUntilAnswering(baseURL: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`second instance exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const response = await fetch(`${baseURL}/`, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`second instance did not answer on ${baseURL} within ${timeoutMs} ms`);
}

export async function startSecondInstance(
  databaseUrl: string,
  options: { env?: Record<string, string>; portOffset?: number } = {},
): Promise<SecondInstance> {
  const offset = options.portOffset ?? 1;
  const port = secondInstancePort(offset);
  const baseURL = `http://localhost:${port}`;
  const secret = randomBytes(32).toString("base64url");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    // Sessions are not shared with the first server: only the API is used here, with
    // root keys, which both instances read from the database.
    AUTH_SECRET: secret,
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: baseURL,
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  };
  delete env.KEYPLANE_DATA_DIR;
  const server = path.join(ROOT, "scripts/server.mjs");
  const child = spawn(process.execPath, [server, "--port", String(port)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(path.join(ROOT, `test-results/e2e-server-${offset + 1}.log`), {
    flags: "a",
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null)));
  });
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      // A server that ignores SIGTERM must not outlive the run.
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  try {
    await waitUntilAnswering(baseURL, child, 60_000);
  } catch (error) {
    await stop("SIGKILL");
    throw error;
  }
  return { baseURL, child, stop };
}

export type VerifyAnswer = { status: number; code: string | null };

/**
 * POST /api/v1/keys/verify with a root key; never throws (a dropped call is status 0).
 * Node's fetch rather than Playwright's request context: the load tests open hundreds
 * of concurrent calls, which Playwright's context (driven over its own protocol) queues
 * long enough to hit timeouts on a server that has already answered.
 */
export async function verifyOver(
  baseURL: string,
  rootKey: string,
  key: string,
  cost?: number,
): Promise<VerifyAnswer> {
  try {
    const response = await fetch(`${baseURL}/api/v1/keys/verify`, {
      method: "POST",
      headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
      body: JSON.stringify(cost === undefined ? { key } : { key, cost }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => null)) as { code?: string } | null;
    return { status: response.status, code: body?.code ?? null };
  } catch {
    return { status: 0, code: null };
  }
}

/** Creates a root key with only keys:verify on the Settings page; returns its secret. */
export async function createVerifyRootKey(page: Page, slug: string, name: string) {
  await page.goto(`/t/${slug}/settings`);
  const section = page.getByRole("region", { name: "Root keys" });
  await section.getByLabel("Root key name").fill(name);
  await section.getByLabel("keys:verify").check();
  await section.getByRole("button", { name: "Create root key" }).click();
  const dialog = page.getByRole("dialog", { name: "Copy your root key" });
  await expect(dialog).toBeVisible();
  const secret = await dialog.getByLabel("Root key", { exact: true }).inputValue();
  await dialog.getByRole("button", { name: "I have stored it" }).click();
  await expect(dialog).toBeHidden();
  return secret;
}

/** Creates a key with a per-minute limit through the key form; returns its secret. */
export async function createLimitedKey(
  page: Page,
  slug: string,
  name: string,
  perMinute: number,
  budget?: { cents: number; period: "TOTAL" | "MONTHLY" },
): Promise<string> {
  await page.goto(`/t/${slug}/keys/new`);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Requests per minute").fill(String(perMinute));
  if (budget) {
    await page.getByLabel("Budget (cents)").fill(String(budget.cents));
    await page.getByLabel("Budget period").selectOption(budget.period);
  }
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog", { name: "Your new API key" });
  await expect(dialog).toBeVisible();
  const plaintext = await dialog.getByLabel("Secret key").inputValue();
  await dialog.getByRole("button", { name: "I have copied it" }).click();
  await page.waitForURL(/\/keys\/(?!new$)[^/]+$/);
  return plaintext;
}

/** Revokes a key from the keys table; resolves when the dashboard confirms it. */
export async function revokeInDashboard(page: Page, slug: string, name: string): Promise<number> {
  await page.goto(`/t/${slug}/keys`);
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByLabel("Reason").fill("Revoked by the instances spec");
  await page.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByText("Key revoked.")).toBeVisible();
  return performance.now();
}
