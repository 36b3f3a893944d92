import { expect, test } from "@playwright/test";
import {
  alertOf,
  createInvitation,
  newAccount,
  secondPerson,
  signUp,
  signUpWithInvitation,
} from "./support/accounts";
import { readFileSync } from "node:fs";
import { readE2eEnv } from "./support/e2e-env";
import { addScopes, captureAction, createKey, replayAction } from "./support/keys";

const KEY_SHAPE = /^[A-Za-z0-9_]{1,16}_[A-Za-z0-9]{42}$/;

test.describe("key lifecycle in the dashboard", () => {
  test("create from a preset, find by prefix, edit, roll and revoke", async ({ page }) => {
    // Ten steps, five of them on the key page, which also streams its usage charts: on a
    // busy machine this runs close to the default 30 s.
    test.setTimeout(60_000);
    const slug = await signUp(page, newAccount("keys"), "Key Works");
    await addScopes(page, slug, ["orders:read", "orders:write"]);
    const key = await createKey(page, slug, {
      name: "Billing worker",
      preset: "Restricted",
      tags: "billing, prod",
    });
    expect(key.plaintext).toMatch(KEY_SHAPE);
    expect(key.plaintext.startsWith("kp_")).toBe(true);
    // The restricted preset filled limits and a budget.
    await expect(page.getByTestId("key-budget")).toHaveText("$0.00 of $10.00 (total)");
    await expect(page.getByText("10/min · 1000/day")).toBeVisible();
    const display = `${key.plaintext.slice(0, 7)}…${key.plaintext.slice(-4)}`;
    await expect(page.getByTestId("key-display")).toHaveText(display);
    // The plaintext is nowhere on the detail page or in the URL.
    expect(await page.content()).not.toContain(key.plaintext);
    expect(page.url()).not.toContain(key.plaintext);

    // A second key, so the search has something to exclude.
    await createKey(page, slug, { name: "Other service" });
    await page.goto(`/t/${slug}/keys`);
    await page.getByLabel("Search").fill(key.plaintext.slice(0, 7));
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(/q=kp_/);
    await expect(page.getByRole("link", { name: "Billing worker" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Other service" })).toHaveCount(0);
    // Pasting the whole key finds it too, without putting the secret in the URL.
    await page.getByLabel("Search").fill(key.plaintext);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(/q=/);
    expect(decodeURIComponent(page.url())).not.toContain(key.plaintext);
    await expect(page.getByRole("link", { name: "Billing worker" })).toBeVisible();

    // Edit budget, limits and expiry; see them on the detail page.
    await page.goto(`${key.url}/edit`);
    await page.getByLabel("Budget (cents)").fill("-5");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.locator("#budgetCents-error")).toHaveText(
      "Use a whole number of cents, 0 or more.",
    );
    await page.getByLabel("Budget (cents)").fill("2500");
    await page.getByLabel("Budget period").selectOption("MONTHLY");
    await page.getByLabel("Requests per minute").fill("120");
    await page.getByLabel("Allowed IP ranges").fill("10.0.0.0/33");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.locator("#ipAllowlist-error")).toContainText("10.0.0.0/33");
    await page.getByLabel("Allowed IP ranges").fill("10.0.0.0/8\n2001:db8::/32");
    await page.getByRole("checkbox", { name: "orders:write" }).check();
    await page.getByLabel("When does the key expire?").selectOption("days");
    await page.getByLabel("Expires in (days)").fill("3");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(key.url);
    await expect(page.getByTestId("key-budget")).toHaveText("$0.00 of $25.00 (monthly)");
    await expect(page.getByText("120/min · 1000/day")).toBeVisible();
    const expires = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await expect(page.getByTestId("key-expires")).toContainText(expires);
    await expect(page.getByText("2001:db8::/32", { exact: true })).toBeVisible();
    await expect(page.getByTestId("key-scopes")).toHaveText("orders:write");
    await expect(page.getByRole("cell", { name: "key.updated" })).toBeVisible();

    // Roll with a 24 h grace period: a new plaintext once, and both secrets listed.
    await page.getByRole("button", { name: "Roll secret" }).click();
    await page.getByLabel("Old secret keeps working for").selectOption("24h");
    await page.getByRole("button", { name: "Issue new secret" }).click();
    const rolled = page.getByRole("dialog", { name: "New secret for this key" });
    const newSecret = await rolled.getByLabel("Secret key").inputValue();
    expect(newSecret).toMatch(KEY_SHAPE);
    expect(newSecret).not.toBe(key.plaintext);
    await rolled.getByRole("button", { name: "I have copied it" }).click();
    await expect(page.getByTestId("retired-secret")).toContainText(display);
    await expect(page.getByTestId("retired-secret")).toContainText("keeps working until");
    await expect(page.getByTestId("key-display")).toHaveText(
      `${newSecret.slice(0, 7)}…${newSecret.slice(-4)}`,
    );

    // Revoke from the table.
    await page.goto(`/t/${slug}/keys`);
    await page.getByRole("button", { name: "Revoke Billing worker" }).click();
    await page.getByLabel("Reason").fill("Leaked in a CI log");
    await page.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByText("Key revoked.")).toBeVisible();
    await page.getByRole("link", { name: "Billing worker" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Revoked" })).toContainText(
      "Leaked in a CI log",
    );
    await expect(page.getByRole("button", { name: "Revoke compromised key" })).toHaveCount(0);

    // Neither secret ever reached the server's output.
    const { serverLog } = readE2eEnv();
    if (!serverLog) throw new Error("the e2e server did not report its log file");
    const log = readFileSync(serverLog, "utf8");
    expect(log).toContain("Ready");
    expect(log).not.toContain(key.plaintext);
    expect(log).not.toContain(newSecret);
  });

  test("bulk-suspend three keys from the table", async ({ page }) => {
    const slug = await signUp(page, newAccount("bulk"), "Bulk Ops");
    for (const name of ["alpha", "bravo", "charlie", "delta"])
      await createKey(page, slug, { name });
    await page.goto(`/t/${slug}/keys?sort=name&dir=asc`);
    for (const name of ["alpha", "bravo", "charlie"])
      await page.getByLabel(`Select ${name}`).check();
    await expect(page.getByText("3 selected")).toBeVisible();
    await page.getByRole("button", { name: "Suspend selected" }).click();
    await page.getByRole("button", { name: "Suspend 3 keys" }).click();
    await expect(page.getByText("Suspended 3 of 3 keys.")).toBeVisible();
    await page.getByLabel("Status").selectOption("SUSPENDED");
    await expect(page).toHaveURL(/status=SUSPENDED/);
    await expect(page.getByRole("link", { name: /alpha|bravo|charlie|delta/ })).toHaveCount(3);
    await expect(page.getByRole("link", { name: "delta" })).toHaveCount(0);
  });

  test("a viewer sees no mutating controls and a forged action is refused", async ({
    page,
    browser,
  }) => {
    const slug = await signUp(page, newAccount("owner"), "Viewer Checks");
    const key = await createKey(page, slug, { name: "Guarded" });
    const link = await createInvitation(page, slug, "VIEWER");
    const viewer = await secondPerson(browser);
    await signUpWithInvitation(viewer.page, link, newAccount("viewer"));

    await viewer.page.goto(`/t/${slug}/keys`);
    await expect(viewer.page.getByRole("link", { name: "Guarded" })).toBeVisible();
    await expect(viewer.page.getByRole("link", { name: "Create key" })).toHaveCount(0);
    await expect(viewer.page.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
    await expect(viewer.page.getByRole("checkbox")).toHaveCount(1); // only "Over 80% of budget"
    await viewer.page.goto(key.url);
    await expect(viewer.page.getByRole("button", { name: /Suspend|Roll|Revoke/ })).toHaveCount(0);
    await expect(viewer.page.getByRole("link", { name: "Edit" })).toHaveCount(0);

    // The owner's real "suspend" request, replayed with the viewer's session.
    await page.goto(key.url);
    const suspend = await captureAction(page, () =>
      page.getByRole("button", { name: "Suspend" }).click(),
    );
    await expect(page.getByText("Key suspended.")).toBeVisible();
    await page.getByRole("button", { name: "Reactivate" }).click();
    await expect(page.getByText("Key reactivated.")).toBeVisible();
    const forged = await replayAction(viewer.context, suspend);
    expect(await forged.text()).toContain("Your role does not allow this.");
    await page.reload();
    await expect(page.getByRole("button", { name: "Suspend" })).toBeVisible();
    await expect(page.getByText("Active", { exact: true })).toBeVisible();
    await viewer.context.close();
  });

  test("another tenant cannot reach a key by URL or by action", async ({ page, browser }) => {
    const slugA = await signUp(page, newAccount("ownera"), "Tenant Keys A");
    const key = await createKey(page, slugA, { name: "Secret of A" });
    const outsider = await secondPerson(browser);
    const slugB = await signUp(outsider.page, newAccount("ownerb"), "Tenant Keys B");

    const direct = await outsider.page.goto(key.url);
    expect(direct?.status()).toBe(404);
    const viaOwnTenant = await outsider.page.goto(`/t/${slugB}/keys/${key.keyId}`);
    expect(viaOwnTenant?.status()).toBe(404);
    await expect(outsider.page.getByRole("heading", { name: "Page not found" })).toBeVisible();

    const suspend = await captureAction(page, () =>
      page.getByRole("button", { name: "Suspend" }).click(),
    );
    await expect(page.getByText("Key suspended.")).toBeVisible();
    await page.getByRole("button", { name: "Reactivate" }).click();
    await expect(page.getByText("Key reactivated.")).toBeVisible();
    // As sent (tenant A's slug): B is not a member of A.
    const asSent = await replayAction(outsider.context, suspend);
    expect(await asSent.text()).toContain("Not found.");
    // Rewritten to B's own slug: A's key id is not found in B.
    const rewritten = await replayAction(
      outsider.context,
      suspend,
      suspend.body.replaceAll(slugA, slugB),
    );
    expect(await rewritten.text()).toContain("Key not found.");
    await page.reload();
    await expect(page.getByRole("button", { name: "Suspend" })).toBeVisible();
    await expect(alertOf(page)).toHaveCount(0);
    await outsider.context.close();
  });
});
