import { expect, test } from "@playwright/test";

test("the home page answers", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.ok()).toBe(true);
  await expect(page).toHaveTitle(/Keyplane/);
});

test("responses carry the security headers", async ({ request }) => {
  const response = await request.get("/", { maxRedirects: 0 });
  expect(response.status()).toBeLessThan(400);
  const headers = response.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
});

test("the APIs carry their own, stricter security headers", async ({ request }) => {
  for (const path of ["/api/v1/openapi.json", "/v2/keys.verifyKey"]) {
    const response = await request.get(path, { maxRedirects: 0 });
    const headers = response.headers();
    expect(headers["content-security-policy"], path).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBeUndefined();
  }
  // A page keeps the dashboard's policy.
  const page = await request.get("/sign-in");
  expect(page.headers()["content-security-policy"]).toContain("script-src 'self'");
});
