import "server-only";
import { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
} from "rate-limiter-flexible";
import { env } from "@/lib/env";

// Failed sign-ins are counted per client IP and per account over 15 minutes. Only
// failures count, so people who type their password right are never locked out; a
// success clears the account's counter. With REDIS_URL the counters are shared by
// every instance, otherwise they live in this process.
const WINDOW_SECONDS = 15 * 60;

type Limiters = { ip: RateLimiterAbstract; account: RateLimiterAbstract };
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
      account: create(KEYPLANE_SIGNIN_ACCOUNT_LIMIT, "signin-account", redis),
    };
  }
  return limiters;
}

export class TooManyAttemptsError extends Error {
  override readonly name = "TooManyAttemptsError";
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }
}

/** Throws TooManyAttemptsError when the IP or the account has used up its failures. */
export async function assertSignInAllowed(ip: string, email: string): Promise<void> {
  const { ip: byIp, account } = getLimiters();
  const { KEYPLANE_SIGNIN_IP_LIMIT, KEYPLANE_SIGNIN_ACCOUNT_LIMIT } = env();
  const [ipState, accountState] = await Promise.all([byIp.get(ip), account.get(email)]);
  for (const [state, limit] of [
    [ipState, KEYPLANE_SIGNIN_IP_LIMIT],
    [accountState, KEYPLANE_SIGNIN_ACCOUNT_LIMIT],
  ] as const) {
    if (state && state.consumedPoints >= limit) {
      throw new TooManyAttemptsError(Math.ceil(state.msBeforeNext / 1000));
    }
  }
}

export async function recordFailedSignIn(ip: string, email: string): Promise<void> {
  const { ip: byIp, account } = getLimiters();
  // consume() rejects once the limit is passed; the rejection is the expected outcome.
  await Promise.allSettled([byIp.consume(ip), account.consume(email)]);
}

export async function recordSuccessfulSignIn(email: string): Promise<void> {
  await getLimiters().account.delete(email);
}
