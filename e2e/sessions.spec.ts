import { type Browser, type Cookie, expect, type Page, test } from "@playwright/test";
import { newAccount, secondPerson, signIn, signUp } from "./support/accounts";

const NEW_PASSWORD = "a completely new passphrase";

/** A browser that has nothing but the given cookies, as someone who copied them would. */
async function browserWithCookies(browser: Browser, cookies: Cookie[]) {
  const context = await browser.newContext();
  await context.addCookies(cookies);
  return { context, page: await context.newPage() };
}

async function expectSignedOut(page: Page, slug: string) {
  await page.goto(`/t/${slug}/keys`);
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

async function expectSignedIn(page: Page, slug: string) {
  await page.goto(`/t/${slug}/keys`);
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/keys$`));
  await expect(page.getByTestId("current-tenant")).toBeVisible();
}

async function openAccountPage(page: Page) {
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Account", level: 1 })).toBeVisible();
}

test.describe("sessions end on the server", () => {
  test("a cookie captured before signing out opens nothing after it; other devices stay", async ({
    page,
    browser,
  }) => {
    const owner = newAccount("signout");
    const slug = await signUp(page, owner, "Sign Out Co");
    const captured = await page.context().cookies();
    expect(captured.some((c) => c.name.includes("next-auth.session-token"))).toBe(true);

    // The copy works while the session is alive, so the refusal below is the sign-out's.
    const copy = await browserWithCookies(browser, captured);
    await expectSignedIn(copy.page, slug);
    await copy.context.close();

    const phone = await secondPerson(browser);
    await signIn(phone.page, owner);

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    const thief = await browserWithCookies(browser, captured);
    await expectSignedOut(thief.page, slug);
    await thief.page.goto("/account");
    await expect(thief.page).toHaveURL(/\/sign-in/);
    const exported = await thief.context.request.get(`/t/${slug}/usage/export?chart=volume`);
    expect(exported.status()).toBe(401);
    const session = await thief.context.request.get("/api/auth/session");
    expect((await session.json()).user).toBeUndefined();
    await thief.context.close();

    await expectSignedIn(phone.page, slug);
    await phone.context.close();
  });

  test("changing the password signs the other browser out and keeps this one", async ({
    page,
    browser,
  }) => {
    const owner = newAccount("passwd");
    const slug = await signUp(page, owner, "Password Change Co");
    const laptop = await secondPerson(browser);
    await signIn(laptop.page, owner);

    await openAccountPage(page);
    const sessions = page.getByTestId("session");
    await expect(sessions).toHaveCount(2);
    await expect(sessions.filter({ hasText: "This browser" })).toHaveCount(1);

    // A mistake first: the error sits next to its field and nothing changes.
    await page.getByLabel("Current password").fill(owner.password);
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Repeat the new password").fill("something else entirely");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.locator("#confirmPassword-error")).toHaveText(
      "This does not match the new password.",
    );
    await expect(page.getByLabel("Repeat the new password")).toHaveAttribute(
      "aria-describedby",
      /confirmPassword-error/,
    );

    await page.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status")).toHaveText(
      "Password changed. 1 other session was signed out.",
    );
    await expect(page.getByLabel("Current password")).toHaveValue("");
    await expect(sessions).toHaveCount(1);

    await expectSignedOut(laptop.page, slug);
    await expectSignedIn(page, slug);

    await signIn(laptop.page, { email: owner.email, password: NEW_PASSWORD });
    await expectSignedIn(laptop.page, slug);
    await laptop.context.close();
  });

  test("one session can be signed out from the list, and all of them at once", async ({
    page,
    browser,
  }) => {
    const owner = newAccount("everywhere");
    const slug = await signUp(page, owner, "Everywhere Co");
    const tablet = await secondPerson(browser);
    await signIn(tablet.page, owner);

    await openAccountPage(page);
    const other = page.getByTestId("session").filter({ hasNotText: "This browser" });
    await other.getByRole("button", { name: /^Sign out/ }).click();
    await expect(page.getByTestId("session")).toHaveCount(1);
    await expectSignedOut(tablet.page, slug);

    await signIn(tablet.page, owner);
    await page.reload();
    await expect(page.getByTestId("session")).toHaveCount(2);
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page
      .getByRole("dialog", { name: "Sign out everywhere?" })
      .getByRole("button", { name: "Sign out everywhere" })
      .click();
    await expect(page).toHaveURL(/\/sign-in/);

    await expectSignedOut(page, slug);
    await expectSignedOut(tablet.page, slug);
    await tablet.context.close();
  });
});
