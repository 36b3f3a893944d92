import { type BrowserContext, expect, type Page, type Request } from "@playwright/test";

export type CreatedKey = { plaintext: string; keyId: string; url: string };

/** Fills the create form (after an optional preset) and returns the plaintext shown once. */
export async function createKey(
  page: Page,
  slug: string,
  options: {
    name: string;
    preset?: "Default" | "Read-only" | "Restricted";
    tags?: string;
    scopes?: string[];
  },
): Promise<CreatedKey> {
  await page.goto(`/t/${slug}/keys/new`);
  if (options.preset) await page.getByText(options.preset, { exact: true }).click();
  await page.getByLabel("Name", { exact: true }).fill(options.name);
  if (options.tags) await page.getByLabel("Tags").fill(options.tags);
  for (const scope of options.scopes ?? [])
    await page.getByRole("checkbox", { name: scope }).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog", { name: "Your new API key" });
  await expect(dialog).toBeVisible();
  const plaintext = await dialog.getByLabel("Secret key").inputValue();
  await dialog.getByRole("button", { name: "I have copied it" }).click();
  await page.waitForURL(/\/keys\/(?!new$)[^/]+$/);
  const keyId = new URL(page.url()).pathname.split("/").pop() ?? "";
  return { plaintext, keyId, url: page.url() };
}

/** The Next.js server-action POST a page sends, captured so a test can replay it. */
export type CapturedAction = { url: string; headers: Record<string, string>; body: string };

export async function captureAction(
  page: Page,
  trigger: () => Promise<void>,
): Promise<CapturedAction> {
  const request: Promise<Request> = page.waitForRequest(
    (r) => r.method() === "POST" && Boolean(r.headers()["next-action"]),
  );
  await trigger();
  const r = await request;
  const headers = await r.allHeaders();
  return {
    url: r.url(),
    headers: Object.fromEntries(
      Object.entries(headers).filter(([k]) =>
        ["next-action", "content-type", "accept", "next-router-state-tree"].includes(k),
      ),
    ),
    body: r.postData() ?? "",
  };
}

/** Sends a captured server action as whoever is signed in to `context`. */
export async function replayAction(
  context: BrowserContext,
  action: CapturedAction,
  body = action.body,
) {
  const origin = new URL(action.url).origin;
  return context.request.post(action.url, { headers: { ...action.headers, origin }, data: body });
}

/** Adds scopes to the catalog through the Settings page (owners only). */
export async function addScopes(page: Page, slug: string, scopes: string[]): Promise<void> {
  await page.goto(`/t/${slug}/settings`);
  const section = page.getByRole("region", { name: "Scope catalog" });
  for (const scope of scopes) {
    await section.getByLabel("Scope name").fill(scope);
    await section.getByRole("button", { name: "Add scope" }).click();
    await expect(section.getByTestId(`scope-${scope}`)).toBeVisible();
  }
}
