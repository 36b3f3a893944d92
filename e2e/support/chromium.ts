import { existsSync } from "node:fs";

// Playwright's own browser download cannot work on these machines, so the tests use the
// distribution's Chromium. Without it the run must fail loudly, never skip.
export const chromiumPath = process.env.CHROMIUM_PATH?.trim() || "/usr/bin/chromium";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function assertChromiumInstalled(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}. Install it with: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
}
