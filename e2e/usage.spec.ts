import { readFileSync } from "node:fs";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { createLimitedKey, createVerifyRootKey, verifyOver } from "./support/second-instance";

// After a known number of verifications over HTTP (some denied by the rate limit), the
// Usage page and the key page show exactly those numbers in their accessible table views,
// and each chart's CSV export holds the same numbers.

const PER_MINUTE = 3;
const CALLS = 5;
const COST = 7;

/** Sums every numeric column of a table (first column = row headers), keyed by header. */
async function columnSums(table: Locator): Promise<Record<string, number>> {
  return table.evaluate((node) => {
    const t = node as HTMLTableElement;
    const headers = Array.from(t.tHead?.rows[0]?.cells ?? []).map(
      (c) => c.textContent?.trim() ?? "",
    );
    const sums: Record<string, number> = {};
    for (const row of Array.from(t.tBodies[0]?.rows ?? [])) {
      Array.from(row.cells).forEach((cell, i) => {
        if (i === 0) return;
        const value = Number((cell.textContent ?? "").replace(/[$,]/g, ""));
        const header = headers[i] ?? String(i);
        if (!Number.isNaN(value)) sums[header] = (sums[header] ?? 0) + value;
      });
    }
    return sums;
  });
}

/** Opens a chart's table view and returns the table. */
async function tableOf(page: Page, chart: string): Promise<Locator> {
  const region = page.getByRole("region", { name: chart, exact: true });
  await region.getByRole("button", { name: "Table" }).click();
  const table = region.getByRole("table");
  await expect(table).toBeVisible();
  return table;
}

/** Reloads until the Requests chart has data: the usage buffer flushes every second. */
async function waitForRequests(page: Page, url: string, total: number) {
  await expect(async () => {
    await page.goto(url);
    await expect(
      page.getByRole("region", { name: "Requests", exact: true }).getByText(`${total} requests`),
    ).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000, intervals: [250, 500, 1_000] });
}

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const [header = [], ...rows] = text
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(","));
  return { header, rows };
}

function csvSum(csv: { header: string[]; rows: string[][] }, column: string): number {
  const i = csv.header.indexOf(column);
  expect(i, `CSV has a ${column} column`).toBeGreaterThanOrEqual(0);
  return csv.rows.reduce((sum, row) => sum + Number(row[i]), 0);
}

async function downloadCsv(page: Page, label: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: label, exact: true }).click(),
  ]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(file, "utf8") };
}

test("verified calls show up with exact numbers on the Usage page, the key page and in the CSV", async ({
  page,
  baseURL,
  browser,
}) => {
  test.setTimeout(120_000);
  const slug = await signUp(page, newAccount("usage"), "Usage Co");
  const rootKey = await createVerifyRootKey(page, slug, "usage-verifier");
  const plaintext = await createLimitedKey(page, slug, "Usage key", PER_MINUTE, {
    cents: 1_000,
    period: "TOTAL",
  });
  const keyUrl = new URL(page.url()).pathname;

  const codes: (string | null)[] = [];
  for (let i = 0; i < CALLS; i++) {
    codes.push((await verifyOver(baseURL ?? "", rootKey, plaintext, COST)).code);
  }
  const valid = PER_MINUTE;
  const limited = CALLS - PER_MINUTE;
  expect(codes).toEqual([...Array(valid).fill("VALID"), ...Array(limited).fill("RATE_LIMITED")]);

  // The tenant's Usage page.
  await waitForRequests(page, `/t/${slug}/usage?range=24h`, CALLS);
  const requests = await columnSums(await tableOf(page, "Requests"));
  expect(requests).toMatchObject({ Valid: valid, "Rate limited": limited, Total: CALLS });
  const denials = await columnSums(await tableOf(page, "Denials by reason"));
  expect(denials).toEqual({ Requests: limited });
  const cost = await columnSums(await tableOf(page, "Cost and tokens"));
  expect(cost).toMatchObject({ Cost: (valid * COST) / 100 });
  const top = page.getByRole("region", { name: "Top keys by requests" });
  await expect(top.getByRole("link", { name: "Usage key" })).toHaveAttribute("href", keyUrl);
  const topTable = await tableOf(page, "Top keys by requests");
  await expect(topTable.getByRole("row", { name: /Usage key/ })).toContainText(String(CALLS));

  const requestsCsv = await downloadCsv(page, "Download requests as CSV");
  expect(requestsCsv.name).toBe(`usage-${slug}-requests-24h.csv`);
  const parsed = parseCsv(requestsCsv.text);
  expect(parsed.header.slice(0, 3)).toEqual(["bucket_start", "valid", "rate_limited"]);
  expect(csvSum(parsed, "valid")).toBe(valid);
  expect(csvSum(parsed, "rate_limited")).toBe(limited);
  expect(csvSum(parsed, "total")).toBe(CALLS);
  expect(parsed.rows[0]?.[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const denialsCsv = parseCsv((await downloadCsv(page, "Download denials by reason as CSV")).text);
  expect(denialsCsv.rows).toEqual([["RATE_LIMITED", String(limited)]]);

  // The key's page: the same numbers for the one key, and its recent events.
  await waitForRequests(page, `${keyUrl}?range=24h`, CALLS);
  const keyRequests = await columnSums(await tableOf(page, "Requests"));
  expect(keyRequests).toMatchObject({ Valid: valid, "Rate limited": limited, Total: CALLS });
  const events = page.getByRole("table", { name: /Recent usage events/ });
  await expect(events.getByRole("row")).toHaveCount(CALLS + 1);
  await expect(events.getByRole("cell", { name: "Rate limited" })).toHaveCount(limited);
  await expect(events.getByRole("cell", { name: "Valid" })).toHaveCount(valid);
  const keyCsv = await downloadCsv(page, "Download requests as CSV");
  expect(keyCsv.name).toMatch(new RegExp(`^usage-${slug}-requests-24h-key-.+\\.csv$`));
  expect(csvSum(parseCsv(keyCsv.text), "total")).toBe(CALLS);

  // The keys table's 7-day sparkline counts today's calls.
  await page.goto(`/t/${slug}/keys`);
  await expect(
    page.getByRole("img", { name: /Requests per day, last 7 days: .*\(5 in all\)/ }),
  ).toBeVisible();

  // Someone from another tenant gets a 404 for the export and the key, never data.
  const outsider = await browser.newContext();
  const outsiderPage = await outsider.newPage();
  await signUp(outsiderPage, newAccount("outsider"), "Elsewhere");
  const exportUrl = `/t/${slug}/usage/export?chart=requests&range=24h`;
  const foreign = await outsider.request.get(exportUrl);
  expect(foreign.status()).toBe(404);
  expect(await foreign.text()).not.toContain("bucket_start");
  await outsider.close();
});

test("a malformed or impossible range in the URL falls back to 7 days with a visible message", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const slug = await signUp(page, newAccount("ranges"), "Ranges Co");
  const cases: [string, RegExp][] = [
    ["range=fortnight", /“fortnight” is not a range/],
    ["from=2026-02-31&to=2026-03-02", /start date “2026-02-31” is not a valid date/],
    ["from=2026-03-10&to=2026-03-01", /end of the range is not after its start/],
    ["from=1999-01-01", /Usage is kept for \d+ days/],
  ];
  for (const [query, message] of cases) {
    const response = await page.goto(`/t/${slug}/usage?${query}`);
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("range-notice")).toContainText(message);
    await expect(page.getByRole("link", { name: "7 d" })).toHaveAttribute("aria-current", "page");
  }

  // A custom range: the form refuses an end before the start next to the field, then
  // puts a valid range in the URL, which the server accepts without a notice.
  const day = (daysAgo: number) =>
    new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
  await page.goto(`/t/${slug}/usage`);
  await page.getByRole("button", { name: "Custom" }).click();
  await page.getByLabel("From").fill(day(5));
  await page.getByLabel("To (included)").fill(day(7));
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByLabel("To (included)")).toHaveAccessibleDescription(
    "The end date must be on or after the start date.",
  );
  await expect(page).toHaveURL(/\/usage$/);
  await page.getByLabel("To (included)").fill(day(1));
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\?from=.+&to=.+/);
  await expect(page.getByTestId("range-description")).toContainText("one bar per hour");
  await expect(page.getByTestId("range-notice")).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Requests", exact: true })).toContainText(
    "No verifications in this range.",
  );

  const badExport = await page.request.get(
    `/t/${slug}/usage/export?chart=requests&range=fortnight`,
  );
  expect(badExport.status()).toBe(400);
  expect(await badExport.text()).toMatch(/^range: /);
  const badChart = await page.request.get(`/t/${slug}/usage/export?chart=pie&range=7d`);
  expect(badChart.status()).toBe(400);
  expect(await badChart.text()).toMatch(/^chart: /);
});
