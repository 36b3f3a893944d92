import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";

// After sign-in a person goes to the `callbackUrl` the link carried. Every value below
// is one a browser would read as another origin (or a script) if it were passed through:
// tabs and newlines the URL parser drops, backslashes it reads as slashes, protocol-
// relative and absolute URLs, userinfo, encoded forms. Each must leave the person on the
// app's origin, and no answer may be a 5xx. The foreign origins are closed ports on
// loopback, and every request the browser makes to any other origin is stopped and
// recorded, so nothing leaves this machine and a redirect that escapes is seen.

const HOSTILE = [
  "/\t/localhost:9/",
  "/\t/localhost:4219/pwned",
  "/\n/localhost:9/",
  "/\r/localhost:9/",
  "/\r\n/127.0.0.1:9/",
  "\t//localhost:9/",
  "//localhost:9/",
  "///localhost:9/",
  "/\\localhost:9/",
  "\\\\localhost:9/",
  "/\\/localhost:9/",
  "/.//localhost:9/",
  "/%2F%2Flocalhost:9/",
  "%2F%2Flocalhost%3A9%2F",
  "%252F%252Flocalhost%253A9%252F",
  "http://localhost:9/",
  "HTTP://127.0.0.1:9/pwned",
  "http:/\\localhost:9/",
  "http://localhost@127.0.0.1:9/",
  "/@127.0.0.1:9/",
  "javascript:alert(document.domain)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  `/${"a".repeat(5_000)}`,
];

/** Stops and records every request of `context` that leaves `origin`. */
async function recordForeignRequests(context: BrowserContext, origin: string): Promise<string[]> {
  const foreign: string[] = [];
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      foreign.push(route.request().url());
      return route.abort();
    },
  );
  return foreign;
}

/** Navigates, tolerating the navigation error an aborted foreign request causes. */
async function visit(page: Page, url: string): Promise<void> {
  await page.goto(url).catch(() => undefined);
  await page.waitForLoadState("load").catch(() => undefined);
}

test.describe("the destination after sign-in stays on this origin", () => {
  test("a signed-in visit to /sign-in with a hostile callbackUrl redirects on this origin", async ({
    page,
    context,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const origin = new URL(baseURL ?? "").origin;
    await signUp(page, newAccount("redirects"), "Redirect Co");
    const foreign = await recordForeignRequests(context, origin);

    // The exact request the attack sent, then each hostile value.
    const queries = [
      "callbackUrl=%2F%09%2Flocalhost%3A9%2F",
      "callbackUrl=%2F%0A%2Flocalhost%3A9%2F",
      "callbackUrl=%2F%0D%2Flocalhost%3A9%2F",
      ...HOSTILE.map((value) => `callbackUrl=${encodeURIComponent(value)}`),
      // The parameter twice, and as a bare flag.
      "callbackUrl=%2F%2Flocalhost%3A9%2F&callbackUrl=%2Ft",
      "callbackUrl",
    ];
    for (const query of queries) {
      const response = await page.request.get(`/sign-in?${query}`, { maxRedirects: 0 });
      expect(response.status(), query).toBeLessThan(500);
      expect([303, 307, 308], query).toContain(response.status());
      const location = response.headers().location ?? "";
      // Printable ASCII, no space and no backslash: nothing a browser would drop or reread.
      expect(location, query).toMatch(/^[!-[\]-~]+$/);
      expect(new URL(location, `${origin}/sign-in`).origin, query).toBe(origin);
    }

    // The browser follows the redirect the way a person's browser would.
    for (const value of HOSTILE) {
      await visit(page, `/sign-in?callbackUrl=${encodeURIComponent(value)}`);
      expect(new URL(page.url()).origin, value).toBe(origin);
    }
    await visit(page, "/sign-in?callbackUrl=%2F%09%2Flocalhost%3A9%2F");
    expect(new URL(page.url()).origin).toBe(origin);
    expect(foreign).toEqual([]);
  });

  test("signing in through the form with a hostile callbackUrl lands on this origin", async ({
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const origin = new URL(baseURL ?? "").origin;
    const account = newAccount("formredirect");
    const owner = await browser.newContext();
    await signUp(await owner.newPage(), account, "Form Redirect Co");
    await owner.close();

    const values = [
      "/\t/localhost:4219/pwned",
      "/\n/localhost:9/",
      "/\\localhost:9/",
      "/.//localhost:9/",
      "http://localhost@127.0.0.1:9/",
      "javascript:alert(document.domain)",
    ];
    for (const value of values) {
      const context = await browser.newContext();
      const foreign = await recordForeignRequests(context, origin);
      const page = await context.newPage();
      const response = await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(value)}`);
      expect(response?.status(), value).toBe(200);
      await page.getByLabel("Email").fill(account.email);
      await page.getByLabel("Password").fill(account.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      // The refused destination falls back to the landing page, which opens the tenant.
      await page.waitForURL(/\/t\/[^/]+\/keys$/).catch(() => undefined);
      expect(new URL(page.url()).origin, value).toBe(origin);
      expect(new URL(page.url()).pathname, value).toMatch(/^\/t\/[^/]+\/keys$/);
      expect(foreign, value).toEqual([]);
      await context.close();
    }
  });

  test("a same-origin callbackUrl is still followed after sign-in", async ({
    browser,
    baseURL,
  }) => {
    const origin = new URL(baseURL ?? "").origin;
    const account = newAccount("goodredirect");
    const owner = await browser.newContext();
    const slug = await signUp(await owner.newPage(), account, "Good Redirect Co");
    await owner.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(`/t/${slug}/usage?range=24h`)}`);
    await page.getByLabel("Email").fill(account.email);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${origin}/t/${slug}/usage?range=24h`);
    await context.close();
  });
});
