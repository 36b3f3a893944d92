import { defineConfig, devices } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./e2e/support/chromium";

// The suite runs against the built app (`next start`) on a database made for the run by
// scripts/e2e-server.mjs, which also removes it when Playwright stops the server.
const port = process.env.E2E_PORT?.trim() || "3100";
const baseURL = `http://localhost:${port}`;
const isCI = Boolean(process.env.CI);

export default defineConfig({
  testDir: "e2e",
  // Kept apart from test-results/ itself: Playwright empties its output directory at the
  // start of a run, and npm test keeps the vitest report and e2e-env.json next to it.
  outputDir: "test-results/playwright",
  fullyParallel: true,
  forbidOnly: isCI,
  workers: 2,
  retries: isCI ? 1 : 0,
  reporter: [
    ["list"],
    ["html", { open: "never", outputFolder: "playwright-report" }],
    ["json", { outputFile: "test-results/playwright.json" }],
  ],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL,
    trace: "on-first-retry",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        headless: true,
        launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
      },
    },
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `${baseURL}/`,
    env: { E2E_PORT: port },
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    // Without a graceful signal Playwright SIGKILLs the server, and the run's database
    // or temp directory would be left behind.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
