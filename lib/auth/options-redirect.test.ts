import { describe, expect, it } from "vitest";
import { authOptions } from "./options";

const baseUrl = "http://localhost:3101";

async function redirectTo(url: string): Promise<string> {
  const redirect = authOptions.callbacks?.redirect;
  if (!redirect) throw new Error("next-auth's redirect callback is not set");
  return redirect({ url, baseUrl });
}

describe("next-auth's redirect callback", () => {
  it.each([
    ["/t/acme/keys", `${baseUrl}/t/acme/keys`],
    [`${baseUrl}/invite/abc?x=1`, `${baseUrl}/invite/abc?x=1`],
    ["/sign-in", `${baseUrl}/sign-in`],
  ])("keeps %j on this origin", async (url, expected) => {
    expect(await redirectTo(url)).toBe(expected);
  });

  it.each([
    "/\t/localhost:9/",
    "/\n/evil.com",
    "/\\evil.com",
    "//evil.com",
    "http://localhost@evil.com",
    "javascript:alert(1)",
    "https://evil.com/",
  ])("sends %j to the default landing page", async (url) => {
    const answer = await redirectTo(url);
    expect(answer).toBe(`${baseUrl}/`);
  });
});
