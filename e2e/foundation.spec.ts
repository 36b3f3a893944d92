import { expect, test } from "@playwright/test";
import {
  alertOf,
  createInvitation,
  newAccount,
  secondPerson,
  signIn,
  signUp,
  signUpWithInvitation,
} from "./support/accounts";

test.describe("sign-up, tenants and members", () => {
  test("signing up creates a tenant and lands in it as owner", async ({ page }) => {
    const owner = newAccount("owner");
    const slug = await signUp(page, owner, "Acme Robotics");
    expect(slug).toMatch(/^acme-robotics/);
    await expect(page.getByTestId("current-tenant")).toHaveText("Acme Robotics");
    await expect(page.getByTestId("current-role")).toHaveText("Owner");
    for (const item of ["Keys", "Usage", "Audit", "Members", "Settings"]) {
      await expect(
        page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: item }),
      ).toBeVisible();
    }
    await page.getByRole("link", { name: "Audit" }).click();
    await expect(page.getByRole("cell", { name: "tenant.created" })).toBeVisible();
  });

  test("the sign-up form shows field errors and refuses a taken email", async ({
    page,
    browser,
  }) => {
    await page.goto("/sign-up");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#name-error")).toHaveText("Enter your name.");
    await expect(page.locator("#email-error")).toContainText("Enter your email address.");
    await expect(page.locator("#password-error")).toContainText("at least 10");
    await expect(page.getByLabel("Your name")).toHaveAttribute("aria-describedby", /name-error/);

    const taken = newAccount("taken");
    const other = await secondPerson(browser);
    await signUp(other.page, taken, "Taken Inc");
    await other.context.close();

    await page.getByLabel("Your name").fill("Someone Else");
    await page.getByLabel("Email").fill(taken.email.toUpperCase());
    await page.getByLabel("Password").fill("another long password");
    await page.getByLabel("Organization name").fill("Copycat");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.locator("#email-error")).toHaveText(/already exists/);
    await expect(page.getByLabel("Your name")).toHaveValue("Someone Else");
  });

  test("a wrong password gets a clear message, then the right one signs in", async ({
    page,
    browser,
  }) => {
    const owner = newAccount("pw");
    await signUp(page, owner, "Password Co");
    const visitor = await secondPerson(browser);
    await visitor.page.goto("/sign-in");
    await visitor.page.getByLabel("Email").fill(owner.email);
    await visitor.page.getByLabel("Password").fill("not the password");
    await visitor.page.getByRole("button", { name: "Sign in" }).click();
    await expect(alertOf(visitor.page)).toHaveText("Wrong email or password.");
    await signIn(visitor.page, owner);
    await expect(visitor.page.getByTestId("current-tenant")).toHaveText("Password Co");
    await visitor.context.close();
  });

  test("repeated wrong passwords lock the account for a while", async ({ page, browser }) => {
    const owner = newAccount("locked");
    await signUp(page, owner, "Locked Out Co");
    const attacker = await secondPerson(browser);
    await attacker.page.goto("/sign-in");
    await attacker.page.getByLabel("Email").fill(owner.email);
    // KEYPLANE_SIGNIN_ACCOUNT_LIMIT is 10 failures per 15 minutes.
    for (let attempt = 1; attempt <= 10; attempt++) {
      await attacker.page.getByLabel("Password").fill(`wrong guess ${attempt}`);
      await attacker.page.getByRole("button", { name: "Sign in" }).click();
      await expect(alertOf(attacker.page)).toHaveText("Wrong email or password.");
      await expect(attacker.page.getByRole("button", { name: "Sign in" })).toBeEnabled();
    }
    await attacker.page.getByLabel("Password").fill(owner.password);
    await attacker.page.getByRole("button", { name: "Sign in" }).click();
    await expect(alertOf(attacker.page)).toHaveText(
      /Too many failed sign-in attempts\. Try again in \d+ minutes?\./,
    );
    await expect(attacker.page).toHaveURL(/\/sign-in/);
    await attacker.context.close();
  });

  test("an invited viewer joins, cannot manage members, and the link works once", async ({
    page,
    browser,
  }) => {
    const owner = newAccount("inviter");
    const slug = await signUp(page, owner, "Invite Labs");
    const link = await createInvitation(page, slug, "VIEWER");

    const viewer = newAccount("viewer");
    const second = await secondPerson(browser);
    await signUpWithInvitation(second.page, link, viewer);
    await expect(second.page.getByTestId("current-tenant")).toHaveText("Invite Labs");
    await expect(second.page.getByTestId("current-role")).toHaveText("Viewer");
    await second.page.goto(`/t/${slug}/members`);
    await expect(alertOf(second.page)).toContainText("Only owners can manage members");
    await expect(second.page.getByRole("button", { name: "Create invitation link" })).toHaveCount(
      0,
    );

    // The owner sees the new member and the invitation as used.
    await page.reload();
    await expect(page.getByTestId(`member-${viewer.email}`)).toBeVisible();
    await expect(page.getByText("accepted")).toBeVisible();

    // The same link a second time is refused.
    const third = await secondPerson(browser);
    await third.page.goto(link);
    await expect(alertOf(third.page)).toHaveText("This invitation has already been used.");
    await third.context.close();
    await second.context.close();
  });

  test("a user of another tenant gets 404 for this tenant's pages", async ({ page, browser }) => {
    const ownerA = newAccount("tenanta");
    const slugA = await signUp(page, ownerA, "Tenant A");
    const outsider = await secondPerson(browser);
    await signUp(outsider.page, newAccount("tenantb"), "Tenant B");
    for (const section of ["keys", "members", "audit", "settings", "usage"]) {
      const response = await outsider.page.goto(`/t/${slugA}/${section}`);
      expect(response?.status(), section).toBe(404);
      await expect(outsider.page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }
    await outsider.context.close();
  });

  test("a removed member is shut out at the next navigation; a role change applies at once", async ({
    page,
    browser,
  }) => {
    const owner = newAccount("remover");
    const slug = await signUp(page, owner, "Removal Ltd");
    const link = await createInvitation(page, slug, "VIEWER");
    const member = newAccount("member");
    const second = await secondPerson(browser);
    await signUpWithInvitation(second.page, link, member);

    // Promote to admin: the member's next request sees the new role.
    await page.goto(`/t/${slug}/members`);
    const row = page.getByTestId(`member-${member.email}`);
    await row.getByLabel(`Role of ${member.email}`).selectOption("ADMIN");
    await row.getByRole("button", { name: "Save role" }).click();
    await expect(page.getByText("Role changed.")).toBeVisible();
    await second.page.goto(`/t/${slug}/keys`);
    await expect(second.page.getByTestId("current-role")).toHaveText("Admin");

    // Remove: the member's next navigation is a 404.
    await row.getByRole("button", { name: `Remove ${member.email}` }).click();
    await page.getByRole("button", { name: "Remove member", exact: true }).click();
    await expect(page.getByTestId(`member-${member.email}`)).toHaveCount(0);
    const response = await second.page.goto(`/t/${slug}/keys`);
    expect(response?.status()).toBe(404);

    await page.goto(`/t/${slug}/audit`);
    await expect(page.getByRole("cell", { name: "member.removed" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "member.role_changed" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "member.joined" })).toBeVisible();
    await expect(page.getByRole("cell", { name: "member.invited" })).toBeVisible();
    await second.context.close();
  });

  test("a user in two tenants switches between them", async ({ page }) => {
    const owner = newAccount("switcher");
    const first = await signUp(page, owner, "First Org");
    await page.goto("/new");
    await page.getByLabel("Organization name").fill("Second Org");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.waitForURL(/\/t\/second-org[^/]*\/keys$/);
    await expect(page.getByTestId("current-tenant")).toHaveText("Second Org");
    await page.getByTestId("current-tenant").click();
    await page.getByRole("link", { name: /First Org/ }).click();
    await page.waitForURL(`**/t/${first}/keys`);
    await expect(page.getByTestId("current-tenant")).toHaveText("First Org");
  });
});
