import { expect, type Page, test } from "@playwright/test";
import {
  alertOf,
  createInvitation,
  newAccount,
  secondPerson,
  signUp,
  signUpWithInvitation,
} from "./support/accounts";

const KEY_PATTERN = /^[A-Za-z0-9_]+_[A-Za-z0-9]{42}$/;

async function openSettings(page: Page, label: string): Promise<string> {
  const slug = await signUp(page, newAccount(label), `${label} Settings Co`);
  await page.goto(`/t/${slug}/settings`);
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  return slug;
}

test.describe("tenant settings", () => {
  test("an owner changes the key prefix, and an invalid one is refused at the field", async ({
    page,
  }) => {
    await openSettings(page, "prefix");
    const section = page.getByRole("region", { name: "Key prefix" });
    const field = section.getByLabel("Key prefix");
    await expect(section.getByTestId("current-key-prefix")).toHaveText("kp");

    await field.fill("bad-prefix!");
    await section.getByRole("button", { name: "Save prefix" }).click();
    await expect(section.locator("#keyPrefix-error")).toContainText(
      "letters, digits or underscores",
    );
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toHaveAttribute("aria-describedby", /keyPrefix-error/);
    await expect(field).toHaveValue("bad-prefix!");
    await expect(section.getByTestId("current-key-prefix")).toHaveText("kp");

    await field.fill("acme_live");
    await section.getByRole("button", { name: "Save prefix" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    await expect(section.getByTestId("current-key-prefix")).toHaveText("acme_live");
    await expect(section.locator("#keyPrefix-error")).toHaveCount(0);
    await page.reload();
    await expect(
      page.getByRole("region", { name: "Key prefix" }).getByLabel("Key prefix"),
    ).toHaveValue("acme_live");
  });

  test("an owner sets expiry policies; a default longer than the maximum is refused", async ({
    page,
  }) => {
    await openSettings(page, "policy");
    const section = page.getByRole("region", { name: "Expiry policies" });
    const defaultDays = section.getByLabel("Default expiry (days)");
    const maxDays = section.getByLabel("Maximum lifetime (days)");
    const requireExpiry = section.getByLabel("Require an expiry on every key");

    await defaultDays.fill("30");
    await maxDays.fill("10");
    await section.getByRole("button", { name: "Save policies" }).click();
    await expect(section.locator("#defaultExpiryDays-error")).toHaveText(
      "The default expiry cannot be longer than the maximum lifetime (10 days).",
    );
    await expect(defaultDays).toHaveAttribute("aria-describedby", /defaultExpiryDays-error/);
    await expect(defaultDays).toHaveValue("30");

    await maxDays.fill("0");
    await section.getByRole("button", { name: "Save policies" }).click();
    await expect(section.locator("#maxLifetimeDays-error")).toHaveText(
      "Use a whole number above 0.",
    );

    await defaultDays.fill("7");
    await maxDays.fill("90");
    await requireExpiry.check();
    await section.getByRole("button", { name: "Save policies" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    await expect(section.locator("#defaultExpiryDays-error")).toHaveCount(0);

    await page.reload();
    const reloaded = page.getByRole("region", { name: "Expiry policies" });
    await expect(reloaded.getByLabel("Default expiry (days)")).toHaveValue("7");
    await expect(reloaded.getByLabel("Maximum lifetime (days)")).toHaveValue("90");
    await expect(reloaded.getByLabel("Require an expiry on every key")).toBeChecked();

    // Unticking and clearing the default are saved too (the hidden "false" field).
    await reloaded.getByLabel("Require an expiry on every key").uncheck();
    await reloaded.getByLabel("Default expiry (days)").fill("");
    await reloaded.getByRole("button", { name: "Save policies" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    await page.reload();
    const last = page.getByRole("region", { name: "Expiry policies" });
    await expect(last.getByLabel("Require an expiry on every key")).not.toBeChecked();
    await expect(last.getByLabel("Default expiry (days)")).toHaveValue("");
    await expect(last.getByLabel("Maximum lifetime (days)")).toHaveValue("90");
  });

  test("an owner adds a scope, describes it, retires it and restores it", async ({ page }) => {
    await openSettings(page, "scopes");
    const section = page.getByRole("region", { name: "Scope catalog" });
    await expect(section.getByText("No scopes yet")).toBeVisible();

    await section.getByLabel("Scope name").fill("Orders Read");
    await section.getByRole("button", { name: "Add scope" }).click();
    await expect(section.locator("#scope-name-error")).toContainText("orders:read");
    await expect(section.getByLabel("Scope name")).toHaveValue("Orders Read");

    await section.getByLabel("Scope name").fill("orders:read");
    await section.getByLabel("Description (optional)").fill("Read orders");
    await section.getByRole("button", { name: "Add scope" }).click();
    await expect(page.getByText("Scope orders:read added.")).toBeVisible();
    const row = section.getByTestId("scope-orders:read");
    await expect(row).toContainText("Read orders");
    await expect(row).toContainText("Active");
    // The form is emptied for the next scope.
    await expect(section.getByLabel("Scope name")).toHaveValue("");

    // The same name again is refused at the field.
    await section.getByLabel("Scope name").fill("orders:read");
    await section.getByRole("button", { name: "Add scope" }).click();
    await expect(section.locator("#scope-name-error")).toHaveText(
      'The scope "orders:read" already exists.',
    );

    await row.getByRole("button", { name: "Edit description of orders:read" }).click();
    const description = row.getByLabel("Description of orders:read");
    await expect(description).toBeFocused();
    await description.fill("Read orders and their line items");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Description saved.")).toBeVisible();
    await expect(row).toContainText("Read orders and their line items");

    await row.getByRole("button", { name: "Retire orders:read" }).click();
    await expect(
      page.getByText("Scope orders:read retired. Keys that hold it keep it."),
    ).toBeVisible();
    await expect(row).toContainText("Retired");
    await row.getByRole("button", { name: "Restore orders:read" }).click();
    await expect(page.getByText("Scope orders:read restored.")).toBeVisible();
    await expect(row).toContainText("Active");
    await row.getByRole("button", { name: "Retire orders:read" }).click();
    await expect(row).toContainText("Retired");
    await page.reload();
    await expect(page.getByTestId("scope-orders:read")).toContainText("Retired");
  });

  test("an owner creates a root key, reads it once from the dialog, and revokes it", async ({
    page,
  }) => {
    await openSettings(page, "rootkeys");
    const section = page.getByRole("region", { name: "Root keys" });
    await expect(section.getByText("No root keys yet")).toBeVisible();

    // No permission chosen: refused next to the permissions.
    await section.getByLabel("Root key name").fill("ci-deployer");
    await section.getByLabel("keys:verify").uncheck();
    await section.getByRole("button", { name: "Create root key" }).click();
    await expect(section.locator("#rootkey-permissions-error")).toHaveText(
      "Choose at least one permission.",
    );

    await section.getByLabel("keys:verify").check();
    await section.getByLabel("keys:read").check();
    await section.getByRole("button", { name: "Create root key" }).click();

    const dialog = page.getByRole("dialog", { name: "Copy your root key" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("will not be shown again");
    await expect(dialog.getByRole("button", { name: "Copy" })).toBeVisible();
    const secret = dialog.getByLabel("Root key", { exact: true });
    await expect(secret).toHaveAttribute("readonly", "");
    const plaintext = await secret.inputValue();
    expect(plaintext).toMatch(KEY_PATTERN);
    expect(plaintext.startsWith("kp_root_")).toBe(true);

    await dialog.getByRole("button", { name: "I have stored it" }).click();
    await expect(dialog).toBeHidden();
    // Closing forgets it: nowhere on the page any more.
    expect(await page.content()).not.toContain(plaintext);

    const row = section.getByRole("row", { name: /ci-deployer/ });
    const tail = plaintext.slice(plaintext.lastIndexOf("_") + 1);
    await expect(row).toContainText(`kp_root_${tail.slice(0, 4)}…${plaintext.slice(-4)}`);
    await expect(row).toContainText("keys:verify");
    await expect(row).toContainText("keys:read");
    await expect(row).not.toContainText("keys:write");
    await expect(row).toContainText("Never");
    await expect(row).toContainText("Active");
    // The form is emptied for the next key.
    await expect(section.getByLabel("Root key name")).toHaveValue("");

    await row.getByRole("button", { name: "Revoke root key ci-deployer" }).click();
    const confirm = page.getByRole("dialog", { name: 'Revoke root key "ci-deployer"?' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toContainText("Active");

    await row.getByRole("button", { name: "Revoke root key ci-deployer" }).click();
    await page
      .getByRole("dialog", { name: 'Revoke root key "ci-deployer"?' })
      .getByRole("button", { name: "Revoke root key" })
      .click();
    await expect(page.getByText("Root key revoked.")).toBeVisible();
    await expect(row).toContainText("Revoked");
    await expect(row.getByRole("button", { name: "Revoke root key ci-deployer" })).toHaveCount(0);
  });

  test("an admin sees the owners-only panel and no settings forms", async ({ page, browser }) => {
    const slug = await signUp(page, newAccount("settingsowner"), "Admin Gate Co");
    const link = await createInvitation(page, slug, "ADMIN");
    const admin = await secondPerson(browser);
    await signUpWithInvitation(admin.page, link, newAccount("settingsadmin"));
    await expect(admin.page.getByTestId("current-role")).toHaveText("Admin");

    await admin.page.goto(`/t/${slug}/settings`);
    await expect(alertOf(admin.page)).toContainText("Only owners can change organization settings");
    for (const button of ["Save prefix", "Save policies", "Add scope", "Create root key"]) {
      await expect(admin.page.getByRole("button", { name: button })).toHaveCount(0);
    }
    await admin.context.close();
  });
});
