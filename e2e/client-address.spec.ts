import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { createKey } from "./support/keys";
import { createVerifyRootKey } from "./support/second-instance";

// A client cannot choose its own address. The run's server trusts no proxy, so what a
// request says in X-Forwarded-For (or in the header the server entry writes for
// Next.js) is ignored everywhere: the IP allowlist of /v2/keys.verifyKey (the fast path)
// and the audit trail (a server action through Next.js).

const FORGED = "10.9.8.7";
const FORGED_HEADERS = { "x-forwarded-for": FORGED, "x-keyplane-peer-address": FORGED };
const LOOPBACK = /^(127\.0\.0\.1|::1)$/;

test("forged client addresses are ignored by the allowlist and the audit trail", async ({
  page,
  baseURL,
}) => {
  const slug = await signUp(page, newAccount("forger"), "Forged Address Co");
  const rootKey = await createVerifyRootKey(page, slug, "address-verifier");
  const key = await createKey(page, slug, { name: "Allowlisted key" });

  // Every request of the browser from here on claims to come from 10.9.8.7.
  await page.context().setExtraHTTPHeaders(FORGED_HEADERS);
  await page.goto(`${key.url}/edit`);
  await page.getByLabel("Allowed IP ranges").fill(`${FORGED}/32`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForURL(key.url);

  const verify = async (headers: Record<string, string>) => {
    const response = await fetch(`${baseURL}/v2/keys.verifyKey`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${rootKey}`,
        "content-type": "application/json",
        ...headers,
      },
      body: JSON.stringify({ key: key.plaintext }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: { code: string } }).data.code;
  };
  expect(await verify({})).toBe("FORBIDDEN");
  expect(await verify(FORGED_HEADERS)).toBe("FORBIDDEN");
  expect(await verify({ "x-forwarded-for": `${FORGED}, ${FORGED}` })).toBe("FORBIDDEN");

  // The edit above was audited with the socket's address, not the forged one.
  await page.goto(`/t/${slug}/audit`);
  const ips = await page.locator("table tbody tr td:nth-child(5)").allInnerTexts();
  expect(ips.length).toBeGreaterThan(0);
  for (const ip of ips) expect(ip.trim()).toMatch(LOOPBACK);
});
