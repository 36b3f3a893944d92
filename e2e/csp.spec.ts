import {
  type APIRequestContext,
  type APIResponse,
  type BrowserContext,
  expect,
  type Page,
  test,
} from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { createLimitedKey, createVerifyRootKey, verifyOver } from "./support/second-instance";

// Every page is served with a Content Security Policy whose script-src allows this
// origin and a nonce that is new for each response, never inline scripts. Here: the
// header and the page's own script tags agree, the nonce changes, a script injected into
// a real page is refused by Chromium while the page's own scripts run, and a walk through
// the dashboard (sign-up, keys, a toast, usage charts, sign-out, sign-in) causes no
// violation at all.

type Violation = { directive: string; blocked: string; sample: string; url: string };

/** The directives of a policy, by name. */
function directivesOf(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name = "", ...values]) => [name, values]),
  );
}

/** Checks one page answer's policy and script tags; returns the nonce it carried. */
async function nonceOf(response: APIResponse, label: string): Promise<string> {
  const policy = response.headers()["content-security-policy"] ?? "";
  expect(policy, `${label}: Content-Security-Policy`).not.toBe("");
  const scripts = directivesOf(policy).get("script-src") ?? [];
  expect(scripts, label).not.toContain("'unsafe-inline'");
  expect(scripts, label).not.toContain("'unsafe-eval'");
  const nonces = scripts.filter((s) => s.startsWith("'nonce-"));
  expect(nonces, label).toHaveLength(1);
  const nonce = (nonces[0] ?? "").slice("'nonce-".length, -1);
  expect(nonce, label).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  const type = response.headers()["content-type"] ?? "";
  if (type.startsWith("text/html") && [200, 404].includes(response.status())) {
    // Every script the page itself rendered carries that nonce, or it would not run.
    const tags = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(tags.length, `${label}: script tags`).toBeGreaterThan(0);
    for (const tag of tags) expect(tag, label).toContain(`nonce="${nonce}"`);
  }
  return nonce;
}

async function get(request: APIRequestContext, path: string): Promise<APIResponse> {
  const response = await request.get(path, { maxRedirects: 0 });
  expect(response.status(), path).toBeLessThan(500);
  return response;
}

/** Records every CSP violation and every CSP console message of `context`'s pages. */
async function watchViolations(context: BrowserContext): Promise<Violation[]> {
  const violations: Violation[] = [];
  await context.exposeBinding("__reportCspViolation", (_source, violation: Violation) => {
    violations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation: (v: Violation) => void })
        .__reportCspViolation;
      report({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        sample: event.sample,
        url: location.href,
      });
    });
  });
  context.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      violations.push({ directive: "console", blocked: "", sample: message.text(), url: "" });
    }
  });
  return violations;
}

async function flag(page: Page, name: string): Promise<unknown> {
  return page.evaluate((key) => (window as unknown as Record<string, unknown>)[key], name);
}

test.describe("Content Security Policy with a nonce per response", () => {
  test("every page answer carries a policy with its own nonce, and no inline scripts", async ({
    page,
    request,
  }) => {
    test.setTimeout(90_000);
    const slug = await signUp(page, newAccount("csp"), "CSP Co");
    const nonces: string[] = [];
    // Signed out.
    for (const path of ["/sign-in", "/sign-up", "/invite/abcdefghijklmnopqrstuvwxyz", "/nope"]) {
      nonces.push(await nonceOf(await get(request, path), path));
    }
    // Signed in, through the browser's cookies.
    for (const path of [
      "/",
      "/new",
      `/t/${slug}/keys`,
      `/t/${slug}/keys/new`,
      `/t/${slug}/usage`,
      `/t/${slug}/audit`,
      `/t/${slug}/members`,
      `/t/${slug}/settings`,
      `/t/${slug}/api`,
    ]) {
      nonces.push(await nonceOf(await get(page.request, path), path));
    }
    expect(new Set(nonces).size).toBe(nonces.length);

    // The APIs keep their own fixed policy, with no nonce: the proxy does not run there.
    for (const path of ["/api/v1/openapi.json", "/api/health", "/api/auth/session"]) {
      const api = await request.get(path);
      expect(api.headers()["content-security-policy"], path).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });

  test("the nonce differs between two requests for the same page", async ({ request }) => {
    const first = await nonceOf(await get(request, "/sign-up"), "first /sign-up");
    const second = await nonceOf(await get(request, "/sign-up"), "second /sign-up");
    expect(second).not.toBe(first);
  });

  test("Chromium refuses a script injected into a page, and runs the page's own", async ({
    browser,
  }) => {
    // A user exists, so /sign-in shows its form rather than sending to sign-up.
    const owner = await browser.newContext();
    await signUp(await owner.newPage(), newAccount("cspowner"), "CSP Owner Co");
    await owner.close();

    const context = await browser.newContext();
    const violations = await watchViolations(context);
    const page = await context.newPage();
    await page.goto("/sign-in");

    // The page's own scripts ran: the form validates in the browser (hydrated React)
    // instead of submitting itself natively.
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#email-error")).toHaveText("Enter your email address.");
    await expect(page).toHaveURL(/\/sign-in$/);
    expect(violations).toEqual([]);

    // What an injection would add: an inline script, one with a guessed nonce, an inline
    // event handler, and a script from another origin (a closed port on loopback).
    await page.evaluate(() => {
      const inline = document.createElement("script");
      inline.textContent = "window.__injectedInline = true;";
      document.body.append(inline);
      const guessed = document.createElement("script");
      guessed.setAttribute("nonce", "AAAAAAAAAAAAAAAAAAAAAA==");
      guessed.textContent = "window.__injectedGuessedNonce = true;";
      document.body.append(guessed);
      const markup = document.createElement("div");
      markup.innerHTML = '<img src="data:," onerror="window.__injectedHandler = true">';
      document.body.append(markup);
      const foreign = document.createElement("script");
      foreign.src = "http://127.0.0.1:9/evil.js";
      document.body.append(foreign);
    });
    await expect
      .poll(() => violations.filter((v) => v.directive !== "console").length)
      .toBeGreaterThanOrEqual(4);
    expect(await flag(page, "__injectedInline")).toBeUndefined();
    expect(await flag(page, "__injectedGuessedNonce")).toBeUndefined();
    expect(await flag(page, "__injectedHandler")).toBeUndefined();
    const reported = violations.filter((v) => v.directive !== "console");
    expect(reported.map((v) => v.directive).sort()).toEqual([
      "script-src-attr",
      "script-src-elem",
      "script-src-elem",
      "script-src-elem",
    ]);
    expect(reported.map((v) => v.blocked)).toContain("http://127.0.0.1:9/evil.js");

    // And the page still works after it.
    await page.getByLabel("Email").fill("not an email");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("#email-error")).toHaveText("Enter a valid email address.");
    await context.close();
  });

  test("a walk through the dashboard causes no violation", async ({ browser, baseURL }) => {
    test.setTimeout(150_000);
    const context = await browser.newContext();
    const violations = await watchViolations(context);
    const page = await context.newPage();
    const account = newAccount("cspwalk");
    const slug = await signUp(page, account, "CSP Walk Co");
    const rootKey = await createVerifyRootKey(page, slug, "csp-verifier");
    const plaintext = await createLimitedKey(page, slug, "CSP key", 100);
    const keyUrl = new URL(page.url()).pathname;
    for (let i = 0; i < 3; i++) {
      expect((await verifyOver(baseURL ?? "", rootKey, plaintext, 5)).code).toBe("VALID");
    }

    // A toast (sonner inserts its styles at runtime).
    await page.goto(`${keyUrl}/edit`);
    await page.getByLabel("Requests per minute").fill("50");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Key updated.")).toBeVisible();
    await page.waitForURL(new RegExp(`${keyUrl}$`));

    // The charts (Recharts) with data; the usage buffer flushes every second.
    await expect(async () => {
      await page.goto(`/t/${slug}/usage?range=24h`);
      await expect(
        page.getByRole("region", { name: "Requests", exact: true }).getByText("3 requests"),
      ).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000, intervals: [250, 500, 1_000] });
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    await page.goto(`${keyUrl}?range=24h`);
    await expect(page.locator(".recharts-surface").first()).toBeVisible();

    // Client-side navigation, then sign out and in again.
    await page.goto(`/t/${slug}/keys`);
    await page.getByRole("link", { name: "CSP key" }).click();
    await page.waitForURL(new RegExp(`${keyUrl}$`));
    for (const path of ["members", "settings", "audit", "api"]) {
      await page.goto(`/t/${slug}/${path}`);
      await page.waitForLoadState("load");
    }
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/t\/[^/]+\/keys$/);
    await page.waitForLoadState("load");

    expect(violations).toEqual([]);
    await context.close();
  });
});
