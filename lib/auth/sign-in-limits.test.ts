import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";

// Small limits so the test is quick; set before the module reads the environment.
const IP_LIMIT = 5;
const ACCOUNT_LIMIT = 3;
const MAX_DELAY_MS = 600;
beforeAll(() => {
  vi.stubEnv("KEYPLANE_SIGNIN_IP_LIMIT", String(IP_LIMIT));
  vi.stubEnv("KEYPLANE_SIGNIN_ACCOUNT_LIMIT", String(ACCOUNT_LIMIT));
  vi.stubEnv("KEYPLANE_SIGNIN_MAX_DELAY_MS", String(MAX_DELAY_MS));
});

async function limits() {
  return import("./sign-in-limits");
}

// Each run uses addresses and accounts of its own: with REDIS_URL the counters outlive
// the run, and fixed ones would reach their limits after a few runs within the window.
const unique = () => randomBytes(6).toString("hex");
const address = () => `198.51.100.${Math.floor(Math.random() * 250)}-${unique()}`;

async function timed(work: Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work;
  return performance.now() - started;
}

describe(`sign-in limits (${process.env.REDIS_URL ? "Redis" : "in memory"})`, () => {
  it("locks the address that failed for an account, not the account elsewhere", async () => {
    const { assertSignInAllowed, recordFailedSignIn, TooManyAttemptsError } = await limits();
    const email = `${unique()}@example.test`;
    const attacker = address();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      await assertSignInAllowed(attacker, email);
      await recordFailedSignIn(attacker, email);
    }
    const attempt = assertSignInAllowed(attacker, email);
    await expect(attempt).rejects.toBeInstanceOf(TooManyAttemptsError);
    await expect(attempt).rejects.toThrow(
      /Too many failed sign-in attempts\. Try again in 15 minutes\./,
    );
    // The owner, from an address of their own, is let through (after the delay).
    await expect(assertSignInAllowed(address(), email)).resolves.toBeUndefined();
    // The attacker's address may still sign in to other accounts (up to its own limit).
    await expect(
      assertSignInAllowed(attacker, `${unique()}@example.test`),
    ).resolves.toBeUndefined();
  });

  it("locks an address after failures spread over many accounts", async () => {
    const { assertSignInAllowed, recordFailedSignIn } = await limits();
    const ip = address();
    for (let i = 0; i < IP_LIMIT; i++) await recordFailedSignIn(ip, `${unique()}@example.test`);
    await expect(assertSignInAllowed(ip, `${unique()}@example.test`)).rejects.toThrow(/Too many/);
    await expect(
      assertSignInAllowed(address(), `${unique()}@example.test`),
    ).resolves.toBeUndefined();
  });

  it("delays every attempt on an account past its failures, doubling up to the cap", async () => {
    const { accountDelayMs, assertSignInAllowed, recordFailedSignIn } = await limits();
    expect([0, 2, 3, 4, 5, 50].map((n) => accountDelayMs(n, 3, 4_000))).toEqual([
      0, 0, 250, 500, 1_000, 4_000,
    ]);
    expect(accountDelayMs(1e9, 3, 4_000)).toBe(4_000);
    const email = `${unique()}@example.test`;
    // Failures from many addresses: none of them is locked, but the account slows down.
    expect(await timed(assertSignInAllowed(address(), email))).toBeLessThan(200);
    for (let i = 0; i < ACCOUNT_LIMIT + 4; i++) await recordFailedSignIn(address(), email);
    const waited = await timed(assertSignInAllowed(address(), email));
    expect(waited).toBeGreaterThanOrEqual(MAX_DELAY_MS - 20);
    expect(waited).toBeLessThan(MAX_DELAY_MS + 500);
  });

  it("a successful sign-in clears the account's failures and its delay", async () => {
    const { assertSignInAllowed, recordFailedSignIn, recordSuccessfulSignIn } = await limits();
    const email = `${unique()}@example.test`;
    const ip = address();
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) await recordFailedSignIn(ip, email);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await recordFailedSignIn(address(), email);
    await recordSuccessfulSignIn(ip, email);
    await recordFailedSignIn(ip, email);
    await recordFailedSignIn(ip, email);
    expect(await timed(assertSignInAllowed(ip, email))).toBeLessThan(200);
  });

  it.runIf(process.env.REDIS_URL)("counters are shared by every instance", async () => {
    const first = await limits();
    const email = `${unique()}@example.test`;
    const attacker = address();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await first.recordFailedSignIn(attacker, email);
    // A second instance: the module loaded afresh, with its own Redis connection.
    vi.resetModules();
    const second = await limits();
    expect(second).not.toBe(first);
    await expect(second.assertSignInAllowed(attacker, email)).rejects.toThrow(/Too many/);
    const waited = await timed(second.assertSignInAllowed(address(), email));
    expect(waited).toBeGreaterThanOrEqual(200);
  });
});
