import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";

// A dashboard form whose body is over the server action limit (1 MB): the server refuses
// it before Next.js reads it, and the form says so next to itself instead of the page
// being replaced by an error.

test.describe("a form too large to send", () => {
  test("says so on the form, and the form still works afterwards", async ({ page }) => {
    const slug = await signUp(page, newAccount("toolarge"), "Too Large Co");
    await page.goto(`/t/${slug}/settings`);
    const section = page.getByRole("region", { name: "Key prefix" });
    const field = section.getByLabel("Key prefix");
    // What a paste of a huge text, or a script, puts in a field.
    await field.evaluate((input, text) => {
      (input as HTMLInputElement).value = text;
    }, "x".repeat(1_100_000));
    await section.getByRole("button", { name: "Save prefix" }).click();
    await expect(section.getByText("This form is too large to send (limit 1 MB).")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();

    await field.fill("acme_live");
    await section.getByRole("button", { name: "Save prefix" }).click();
    await expect(page.getByText("Settings saved.")).toBeVisible();
    await expect(section.getByTestId("current-key-prefix")).toHaveText("acme_live");
  });

  test("a server action post over the limit is a 413 before Next.js reads it", async ({
    request,
  }) => {
    const response = await request.post("/", {
      headers: { "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" },
      data: "x".repeat(1024 * 1024 + 1),
    });
    expect(response.status()).toBe(413);
    expect(await response.text()).toContain("This form is too large to send");
  });
});
