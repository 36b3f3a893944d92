import "server-only";
import { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
} from "rate-limiter-flexible";
import { env } from "@/lib/env";

// Failed sign-ins, counted over 15 minutes in three ways, so that guessing stays
// expensive while nobody can lock an account's owner out by knowing its email:
//  - per client address (KEYPLANE_SIGNIN_IP_LIMIT): an address that fails that often is
//    refused for every account, whatever it tries;
//  - per account and address (KEYPLANE_SIGNIN_ACCOUNT_LIMIT): the lockout of an account,
//    but only for the address whose guesses failed; the owner, elsewhere, is not locked;
//  - per account, from anywhere: no lockout, a delay. Once an account has had
//    KEYPLANE_SIGNIN_ACCOUNT_LIMIT failures, every attempt on it waits before its
//    password is checked: 250 ms, doubling with each further failure, at most
//    KEYPLANE_SIGNIN_MAX_DELAY_MS (4 s). Guessers spread over many addresses pay that on
//    every guess; the owner pays it once, and then gets in with the right password.
// Only failures count, and the client address is the resolved one (a forged
// X-Forwarded-For cannot give an attacker fresh addresses; lib/net/client-address.ts).
// A success clears its account's counters. With REDIS_URL the counters are shared by
// every instance, otherwise they live in this process.
const WINDOW_SECONDS = 15 * 60;
const FIRST_DELAY_MS = 250;
/** Counted, never refused: the per-account counter only sets the delay. */
const UNCAPPED = 1_000_000_000;

type Limiters = {
  ip: RateLimiterAbstract;
  pair: RateLimiterAbstract;
  account: RateLimiterAbstract;
};
let limiters: Limiters | undefined;

function create(points: number, keyPrefix: string, redis: Redis | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    points,
    duration: WINDOW_SECONDS,
    keyPrefix: `keyplane:${keyPrefix}`,
    // If Redis is down, keep limiting in memory rather than letting everything through.
    insuranceLimiter: memory,
  });
}

function getLimiters(): Limiters {
  if (!limiters) {
    const { REDIS_URL, KEYPLANE_SIGNIN_IP_LIMIT, KEYPLANE_SIGNIN_ACCOUNT_LIMIT } = env();
    // Commands queue until the connection is up (a fresh process would otherwise fall
    // back to the in-memory insurance limiter for its first attempts); if Redis is down,
    // a command fails after one retry and the insurance limiter takes over.
    const redis = REDIS_URL
      ? new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000 })
      : undefined;
    redis?.on("error", () => {});
    limiters = {
      ip: create(KEYPLANE_SIGNIN_IP_LIMIT, "signin-ip", redis),
      pair: create(KEYPLANE_SIGNIN_ACCOUNT_LIMIT, "signin-account-ip", redis),
      account: create(UNCAPPED, "signin-account-failures", redis),
    };
  }
  return limiters;
}

/** The key of an (account, address) pair; neither an email nor an address holds "|". */
const pairKey = (ip: string, email: string) => `${ip}|${email}`;

export class TooManyAttemptsError extends Error {
  override readonly name = "TooManyAttemptsError";
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }
}

/** The wait before an attempt on an account with this many recent failures. */
export function accountDelayMs(
  failures: number,
  threshold = env().KEYPLANE_SIGNIN_ACCOUNT_LIMIT,
  maxMs = env().KEYPLANE_SIGNIN_MAX_DELAY_MS,
): number {
  if (failures < threshold) return 0;
  // 2 ** 20 × 250 ms is far past any cap: no overflow, no Infinity.
  return Math.min(maxMs, FIRST_DELAY_MS * 2 ** Math.min(20, failures - threshold));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Throws TooManyAttemptsError when the address, or this address for this account, has
 * used up its failures; otherwise resolves after the account's delay (usually none).
 */
export async function assertSignInAllowed(ip: string, email: string): Promise<void> {
  const { ip: byIp, pair, account } = getLimiters();
  const { KEYPLANE_SIGNIN_IP_LIMIT, KEYPLANE_SIGNIN_ACCOUNT_LIMIT } = env();
  const [ipState, pairState, accountState] = await Promise.all([
    byIp.get(ip),
    pair.get(pairKey(ip, email)),
    account.get(email),
  ]);
  for (const [state, limit] of [
    [ipState, KEYPLANE_SIGNIN_IP_LIMIT],
    [pairState, KEYPLANE_SIGNIN_ACCOUNT_LIMIT],
  ] as const) {
    if (state && state.consumedPoints >= limit) {
      throw new TooManyAttemptsError(Math.ceil(state.msBeforeNext / 1000));
    }
  }
  const delay = accountDelayMs(accountState?.consumedPoints ?? 0);
  if (delay > 0) await sleep(delay);
}

export async function recordFailedSignIn(ip: string, email: string): Promise<void> {
  const { ip: byIp, pair, account } = getLimiters();
  // consume() rejects once the limit is passed; the rejection is the expected outcome.
  await Promise.allSettled([
    byIp.consume(ip),
    pair.consume(pairKey(ip, email)),
    account.consume(email),
  ]);
}

export async function recordSuccessfulSignIn(ip: string, email: string): Promise<void> {
  const { pair, account } = getLimiters();
  await Promise.all([pair.delete(pairKey(ip, email)), account.delete(email)]);
}
