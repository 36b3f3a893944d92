import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";

// Small limits so the test is quick; set before the module reads the environment.
beforeAll(() => {
  vi.stubEnv("KEYPLANE_SIGNIN_IP_LIMIT", "5");
  vi.stubEnv("KEYPLANE_SIGNIN_ACCOUNT_LIMIT", "3");
});

async function limits() {
  return import("./sign-in-limits");
}

const unique = () => randomBytes(6).toString("hex");

describe(`sign-in limits (${process.env.REDIS_URL ? "Redis" : "in memory"})`, () => {
  it("locks an account after its failures, from any IP, and says for how long", async () => {
    const { assertSignInAllowed, recordFailedSignIn, TooManyAttemptsError } = await limits();
    const email = `${unique()}@example.test`;
    // Each run uses IPs of its own: with REDIS_URL the counters outlive the run, and
    // fixed IPs would reach their own limit after a few runs within the window.
    const run = unique();
    for (let i = 0; i < 3; i++) {
      await assertSignInAllowed(`198.51.100.${i}-${run}`, email);
      await recordFailedSignIn(`198.51.100.${i}-${run}`, email);
    }
    const attempt = assertSignInAllowed(`198.51.100.200-${run}`, email);
    await expect(attempt).rejects.toBeInstanceOf(TooManyAttemptsError);
    await expect(attempt).rejects.toThrow(
      /Too many failed sign-in attempts\. Try again in 15 minutes\./,
    );
  });

  it("locks an IP after failures spread over many accounts", async () => {
    const { assertSignInAllowed, recordFailedSignIn } = await limits();
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}-${unique()}`;
    for (let i = 0; i < 5; i++) await recordFailedSignIn(ip, `${unique()}@example.test`);
    await expect(assertSignInAllowed(ip, `${unique()}@example.test`)).rejects.toThrow(/Too many/);
    await expect(
      assertSignInAllowed(`${ip}-other`, `${unique()}@example.test`),
    ).resolves.toBeUndefined();
  });

  it("a successful sign-in clears the account's failures", async () => {
    const { assertSignInAllowed, recordFailedSignIn, recordSuccessfulSignIn } = await limits();
    const email = `${unique()}@example.test`;
    await recordFailedSignIn(`192.0.2.${unique()}`, email);
    await recordFailedSignIn(`192.0.2.${unique()}`, email);
    await recordSuccessfulSignIn(email);
    await recordFailedSignIn(`192.0.2.${unique()}`, email);
    await recordFailedSignIn(`192.0.2.${unique()}`, email);
    await expect(assertSignInAllowed(`192.0.2.${unique()}`, email)).resolves.toBeUndefined();
  });
});
