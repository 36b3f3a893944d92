import { expect, type Page, test } from "@playwright/test";
import {
  createInvitation,
  newAccount,
  secondPerson,
  signUp,
  signUpWithInvitation,
} from "./support/accounts";

async function addScope(page: Page, slug: string, name: string) {
  await page.goto(`/t/${slug}/settings`);
  const section = page.getByRole("region", { name: "Scope catalog" });
  await section.getByLabel("Scope name").fill(name);
  await section.getByRole("button", { name: "Add scope" }).click();
  await expect(page.getByText(`Scope ${name} added.`)).toBeVisible();
}

/** The text of one column of the audit table, row by row. */
function column(page: Page, index: number) {
  return page.locator(`table tbody tr td:nth-child(${index})`);
}
const ACTOR = 2;
const ACTION = 3;

test.describe("audit log", () => {
  test("lists the changes and narrows them by action and by actor", async ({ page, browser }) => {
    const owner = newAccount("auditor");
    const slug = await signUp(page, owner, "Audit Trail Co");
    await addScope(page, slug, "orders:read");
    await addScope(page, slug, "orders:write");
    const prefix = page.getByRole("region", { name: "Key prefix" });
    await prefix.getByLabel("Key prefix").fill("trail");
    await prefix.getByRole("button", { name: "Save prefix" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();

    // A second owner makes a change of their own.
    const link = await createInvitation(page, slug, "OWNER");
    const colleague = newAccount("colleague");
    const second = await secondPerson(browser);
    await signUpWithInvitation(second.page, link, colleague);
    await addScope(second.page, slug, "billing:read");
    await second.context.close();

    await page.goto(`/t/${slug}/audit`);
    for (const action of [
      "tenant.created",
      "scope.added",
      "settings.updated",
      "member.invited",
      "member.joined",
    ]) {
      await expect(page.getByRole("cell", { name: action }).first()).toBeVisible();
    }
    const settingsRow = page.getByRole("row", { name: /settings\.updated/ });
    await settingsRow.locator("summary").click();
    await expect(settingsRow).toContainText('"keyPrefix": "trail"');
    await expect(settingsRow).toContainText('"keyPrefix": "kp"');

    // Action filter: a GET form, so the filter lands in the URL.
    await page.getByLabel("Action", { exact: true }).selectOption("scope.added");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/[?&]action=scope\.added/);
    await expect(column(page, ACTION)).toHaveText(["scope.added", "scope.added", "scope.added"]);
    await expect(page.getByLabel("Action", { exact: true })).toHaveValue("scope.added");

    // Actor filter on top: part of the colleague's email, in another case.
    const fragment = colleague.email.split("@")[0]?.toUpperCase() ?? "";
    await page.getByLabel("Actor", { exact: true }).fill(fragment);
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/[?&]actor=/);
    expect(new URL(page.url()).searchParams.get("action")).toBe("scope.added");
    await expect(column(page, ACTION)).toHaveText(["scope.added"]);
    await expect(column(page, ACTOR)).toHaveText([colleague.email]);

    // The actor alone: only the colleague's own events, the owner's are gone.
    await page.getByLabel("Action", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    // A GET form sends untouched fields empty (`action=`), which means "any".
    await page.waitForURL((url) => !url.searchParams.get("action"));
    const actors = await column(page, ACTOR).allTextContents();
    expect(actors.length).toBeGreaterThanOrEqual(2);
    for (const actor of actors) expect(actor).toBe(colleague.email);

    // Nothing matches: an empty state with a way back.
    await page.getByLabel("Actor", { exact: true }).fill("nobody-at-all");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.getByText("No events match these filters")).toBeVisible();
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page.getByRole("cell", { name: "tenant.created" })).toBeVisible();
  });

  test("bad filter values in the URL are ignored with a notice, never an error page", async ({
    page,
  }) => {
    const slug = await signUp(page, newAccount("badparams"), "Bad Params Co");
    const response = await page.goto(
      `/t/${slug}/audit?from=yesterday&page=-1&action=tenant.created&target=%27&actor=a%00b`,
    );
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("audit-ignored-params")).toHaveText(
      "Ignored values that could not be read: page, actor, key or target id, from.",
    );
    await expect(column(page, ACTION)).toHaveText(["tenant.created"]);
    await expect(page.getByLabel("From (UTC)")).toHaveValue("");
  });
});
