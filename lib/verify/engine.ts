import "server-only";
import { databaseOutageSince } from "@/lib/db";
import { hashKey, parseKey } from "@/lib/keys/format";
import { recordUsage } from "@/lib/usage/buffer";
import { reserveBudget } from "./budget";
import { cachedKeyRecord, invalidateKeyHashes, loadKeyRecordThroughCache } from "./cache";
import type { WindowState } from "./counters";
import { counters } from "./counters-provider";
import type { KeyRecord } from "./record";
import { newRequestId } from "./request-id";
import {
  type BudgetState,
  foundResult,
  notFound,
  toRateLimitStates,
  type VerifyCode,
  type VerifyContext,
  type VerifyInput,
  type VerifyResult,
} from "./result";
import { checkKeyRules, lastKnownBudget } from "./rules";
import { monthStartUtc } from "./windows";

/** The store behind the answer could not be reached: answer 503, never VALID. */
export class VerifyUnavailableError extends Error {
  override readonly name = "VerifyUnavailableError";
}

type Decision = {
  result: VerifyResult;
  keyId: string | null;
  reservedCents: number;
  /** The usage event was written with the reservation (see budget.ts). */
  persisted: boolean;
};

async function refund(record: KeyRecord, now: number): Promise<void> {
  if (record.limits.length === 0) return;
  // Best effort: if the refund fails the call stays counted, which can only deny
  // later calls early, never let extra calls through.
  await counters()
    .refund(record.id, record.limits, now)
    .catch(() => {});
}

function refunded(windows: readonly WindowState[]): WindowState[] {
  return windows.map((w) => ({ ...w, remaining: Math.min(w.limit, w.remaining + 1) }));
}

/** The decision for a key that was found, with nothing reserved. */
function foundDecision(
  record: KeyRecord,
  code: VerifyCode,
  requestId: string,
  windows: readonly WindowState[],
  budget: BudgetState | null,
): Decision {
  return {
    result: foundResult(record, code, requestId, {
      budget,
      ratelimits: toRateLimitStates(windows),
    }),
    keyId: record.id,
    reservedCents: 0,
    persisted: false,
  };
}

/**
 * Rate limits, then the budget. The two live in different stores (memory or Redis, and
 * PostgreSQL), so they cannot be one atomic step; instead the rate-limit slot is taken
 * first and given back if the budget then denies the call ("only a call that passes
 * everything consumes anything"). While the budget query runs (one round trip) the slot
 * is held, so a concurrent call may be rate limited slightly early; no call is ever let
 * through beyond a limit or a budget.
 */
function consumeAndReserve(
  record: KeyRecord,
  hash: string,
  input: VerifyInput,
  now: number,
  requestId: string,
): Decision | Promise<Decision> {
  // Nothing to count and nothing to reserve: decided now, with no store involved (the
  // same answer the stores' path below gives such a key).
  if (record.limits.length === 0 && (record.budget === null || (input.cost ?? 0) <= 0)) {
    return foundDecision(record, "VALID", requestId, [], lastKnownBudget(record, now));
  }
  return consumeAndReserveInStores(record, hash, input, now, requestId);
}

async function consumeAndReserveInStores(
  record: KeyRecord,
  hash: string,
  input: VerifyInput,
  now: number,
  requestId: string,
): Promise<Decision> {
  const found = (code: VerifyCode, windows: readonly WindowState[], budget: BudgetState | null) =>
    foundDecision(record, code, requestId, windows, budget);
  let windows: WindowState[] = [];
  if (record.limits.length > 0) {
    const consumed = await counters()
      .consume(record.id, record.limits, now)
      .catch((error: unknown) => {
        throw new VerifyUnavailableError("cannot verify", { cause: error });
      });
    windows = consumed.windows;
    if (!consumed.allowed) return found("RATE_LIMITED", windows, lastKnownBudget(record, now));
  }
  const cost = input.cost ?? 0;
  if (record.budget === null || cost <= 0) {
    return found("VALID", windows, lastKnownBudget(record, now));
  }
  const reservation = await reserveBudget({
    tenantId: record.tenantId,
    keyId: record.id,
    costCents: cost,
    requestId,
    time: now,
    endpoint: input.endpoint ?? null,
    resource: input.resource ?? null,
    ip: input.ip ?? null,
  }).catch(async (error: unknown) => {
    await refund(record, now);
    throw new VerifyUnavailableError("cannot verify", { cause: error });
  });
  if (reservation.outcome === "reserved") {
    record.lastKnownSpentCents = reservation.spentCents;
    if (record.budget.period === "MONTHLY")
      record.lastKnownPeriodStart = new Date(monthStartUtc(now));
    const budget = {
      limitCents: reservation.limitCents,
      remainingCents: Math.max(0, reservation.limitCents - reservation.spentCents),
      period: record.budget.period,
    };
    return { ...found("VALID", windows, budget), reservedCents: cost, persisted: true };
  }
  if (reservation.outcome === "no-budget") return found("VALID", windows, null);
  await refund(record, now);
  if (reservation.outcome === "exceeded") {
    record.lastKnownSpentCents = reservation.spentCents;
    const budget = {
      limitCents: reservation.limitCents,
      remainingCents: Math.max(0, reservation.limitCents - reservation.spentCents),
      period: record.budget.period,
    };
    return found("USAGE_EXCEEDED", refunded(windows), budget);
  }
  // The database knows of a change this cache has not heard of yet: drop the stale
  // record and answer from the database's state.
  invalidateKeyHashes([hash]);
  if (reservation.outcome === "missing") {
    return { result: notFound(requestId), keyId: null, reservedCents: 0, persisted: false };
  }
  return found(reservation.status === "SUSPENDED" ? "SUSPENDED" : "REVOKED", [], null);
}

/** How the database is asked for a hash the cache does not hold. */
export type KeyLookup = (hash: string) => Promise<KeyRecord | null>;

export type VerifyOptions = {
  now?: number;
  /**
   * Chooses the lookup for this caller's cache misses; asked only on a miss. Without
   * it, one query per miss (lib/api/not-found-limiter.ts coalesces a flooding caller's).
   */
  lookupFor?: (ctx: VerifyContext) => KeyLookup;
};

function decide(
  input: VerifyInput,
  ctx: VerifyContext,
  now: number,
  requestId: string,
  options: VerifyOptions,
): Decision | Promise<Decision> {
  const missing = { result: notFound(requestId), keyId: null, reservedCents: 0, persisted: false };
  const hash = hashKey(input.key);
  const decideFor = (record: KeyRecord | null): Decision | Promise<Decision> => {
    // Another tenant's key is answered exactly like an unknown one: existence must not leak.
    if (record === null || record.tenantId !== ctx.tenantId) return missing;
    // A rolled-away secret stops existing when its grace period ends.
    if (record.graceEndsAt !== null && record.graceEndsAt.getTime() <= now) return missing;
    const denied = checkKeyRules(record, input, now);
    if (denied !== null) {
      const result = foundResult(record, denied, requestId, {
        budget: lastKnownBudget(record, now),
        ratelimits: [],
      });
      return { result, keyId: record.id, reservedCents: 0, persisted: false };
    }
    return consumeAndReserve(record, hash, input, now, requestId);
  };
  // A cached record (or cached "unknown") is decided at once. Only a key the cache has
  // never stored can be malformed, so shape and checksum are checked on a miss, before
  // the database: random strings never reach it (nor the cache, which stores only what
  // the database answered).
  const cached = cachedKeyRecord(hash);
  if (cached !== undefined) return decideFor(cached);
  if (parseKey(input.key) === null) return missing;
  // While the database is known to be unreachable, an uncached key is "cannot verify" at
  // once rather than after a timeout (the cache has already given what it may serve).
  if (databaseOutageSince() !== 0) throw new VerifyUnavailableError("database unreachable");
  return loadKeyRecordThroughCache(hash, options.lookupFor?.(ctx)).then(
    decideFor,
    (error: unknown) => {
      throw new VerifyUnavailableError("cannot verify", { cause: error });
    },
  );
}

const NO_OPTIONS: VerifyOptions = {};

/**
 * Verifies a key for the tenant of the calling root key (PRODUCT §4.1, in its check
 * order) and buffers a usage event for the call. Rejects with VerifyUnavailableError
 * when the database or Redis cannot be reached for a decision; it never guesses VALID.
 */
export async function verifyKey(
  input: VerifyInput,
  ctx: VerifyContext,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  return verifyKeyNow(input, ctx, options);
}

/**
 * verifyKey, answered at once (no promise) when everything it needs is in memory: a
 * cached key record and no rate-limit counter or budget to consult. The verify handlers
 * use this; see Maybe in lib/api/exchange.ts for why.
 */
export function verifyKeyNow(
  input: VerifyInput,
  ctx: VerifyContext,
  options: VerifyOptions = NO_OPTIONS,
): VerifyResult | Promise<VerifyResult> {
  const started = performance.now();
  const now = options.now ?? Date.now();
  const requestId = newRequestId();
  const record = (decision: Decision): VerifyResult => {
    recordUsage({
      tenantId: ctx.tenantId,
      keyId: decision.keyId,
      time: now,
      kind: "VERIFY",
      outcome: decision.result.code,
      costCents: decision.reservedCents,
      tokens: 0,
      endpoint: input.endpoint ?? null,
      resource: input.resource ?? null,
      ip: input.ip ?? null,
      latencyUs: Math.round((performance.now() - started) * 1000),
      // Kept so that a usage report naming only this requestId finds the key (the string
      // exists already: the answer carries it). Not stored with the event.
      requestId,
      rollupCostCents: decision.reservedCents,
      persisted: decision.persisted,
    });
    return decision.result;
  };
  const decision = decide(input, ctx, now, requestId, options);
  return decision instanceof Promise ? decision.then(record) : record(decision);
}
