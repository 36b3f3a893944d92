import { randomBytes } from "node:crypto";
import { type Browser, type BrowserContext, expect, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(5).toString("hex")}@example.test`;
}

export type Account = { email: string; password: string; name: string };

export function newAccount(label: string): Account {
  return {
    email: uniqueEmail(label),
    password: PASSWORD,
    name: `${label[0]?.toUpperCase()}${label.slice(1)} Tester`,
  };
}

/** Signs up through the form and waits for the dashboard of the new tenant; returns its slug. */
export async function signUp(page: Page, account: Account, organization?: string): Promise<string> {
  await page.goto(`/sign-up`);
  await page.getByLabel("Your name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  if (organization !== undefined) await page.getByLabel("Organization name").fill(organization);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/t\/[^/]+\/keys$/);
  const slug = new URL(page.url()).pathname.split("/")[2];
  if (!slug) throw new Error(`No tenant slug in ${page.url()}`);
  return slug;
}

/** Signs up through an invitation link and waits for the invited tenant's dashboard. */
export async function signUpWithInvitation(
  page: Page,
  link: string,
  account: Account,
): Promise<void> {
  await page.goto(link);
  await page.getByRole("link", { name: "Create an account to join" }).click();
  await page.getByLabel("Your name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/t\/[^/]+\/keys$/);
}

export async function signIn(
  page: Page,
  account: Pick<Account, "email" | "password">,
): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/t\/[^/]+\/keys$/);
}

/** A fresh browser context (its own cookies) for a second person. */
export async function secondPerson(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

/** Creates an invitation on the members page and returns the link shown once. */
export async function createInvitation(
  page: Page,
  slug: string,
  role: "OWNER" | "ADMIN" | "VIEWER",
  email = "",
): Promise<string> {
  await page.goto(`/t/${slug}/members`);
  if (email) await page.getByLabel("Email (optional)").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Create invitation link" }).click();
  const link = page.getByLabel("Invitation link (single use)");
  await expect(link).toHaveValue(/\/invite\/[A-Za-z0-9_-]+$/);
  return link.inputValue();
}

/** The page's own alert (Next.js also renders an empty route-announcer with role=alert). */
export function alertOf(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}
