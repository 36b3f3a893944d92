import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/keys/verify/route";
import { clearRootKeyCache } from "@/lib/api/auth";
import { resetNotFoundLimiter } from "@/lib/api/not-found-limiter";
import { insertRootKey, post } from "@/lib/api/test-support";
import { setOutageStaleMsForTesting } from "@/lib/db/client";
import { testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { setupProxiedDatabase, waitUntil } from "@/lib/testing/outage";
import { discardBufferedUsageForTesting } from "@/lib/usage/buffer";
import { clearKeyCache } from "@/lib/verify/cache";
import { startInvalidation, stopInvalidation } from "@/lib/verify/invalidation";
import { PgInvalidationTransport } from "@/lib/verify/invalidation-transports";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";

// POST /api/v1/keys/verify while the network to PostgreSQL is cut by a TCP proxy: the
// app's pool, its circuit breaker and (without REDIS_URL) its LISTEN connection all go
// through the proxy. With REDIS_URL the invalidation transport is Redis, which stays up.
// Timing bounds are correctness bounds with wide margins, not benchmarks.

const REDIS_URL = process.env.REDIS_URL;
/** Longer than the root-key cache's 5 s, so a root key is served stale too. */
const STALE_MS = 6_000;
const URL = "http://localhost/api/v1/keys/verify";

describe.skipIf(!testsUsePostgres)(
  `verify during a database outage (${REDIS_URL ? "Redis" : "LISTEN/NOTIFY"} invalidation)`,
  () => {
    const database = setupProxiedDatabase();
    setupTestCounters();
    let tenant: TestTenant;
    let rootKey: string;

    beforeAll(async () => {
      setOutageStaleMsForTesting(STALE_MS);
      ({ tenant } = await createTenantWithOwner());
      rootKey = await insertRootKey(tenant.id, ["keys:verify"]);
      const { proxy, url } = database();
      startInvalidation(
        REDIS_URL
          ? {}
          : { transport: (handlers) => new PgInvalidationTransport(proxy.url(url), handlers) },
      );
    });
    beforeEach(async () => {
      resetNotFoundLimiter();
      await database().recover();
      clearKeyCache();
      clearRootKeyCache();
    });
    afterAll(async () => {
      setOutageStaleMsForTesting(undefined);
      await stopInvalidation();
      discardBufferedUsageForTesting();
      clearKeyCache();
      clearRootKeyCache();
    });

    async function verify(key: string): Promise<{ status: number; code?: string; ms: number }> {
      const started = performance.now();
      const response = await POST(post(URL, { key }, { rootKey }));
      const body = (await response.json()) as { code?: string; error?: { code: string } };
      return {
        status: response.status,
        code: body.code ?? body.error?.code,
        ms: performance.now() - started,
      };
    }

    it("blackholed: an uncached key is 503 within ~1 s, the next ones at once, and it recovers by itself", async () => {
      const cached = await insertKey(tenant.id);
      const [firstKey, ...others] = await Promise.all(
        [1, 2, 3, 4, 5].map(() => insertKey(tenant.id)),
      );
      const last = await insertKey(tenant.id);
      expect((await verify(cached.plaintext)).code).toBe("VALID");

      database().proxy.blackhole();
      const first = await verify(firstKey?.plaintext ?? "");
      expect(first).toMatchObject({ status: 503, code: "UNAVAILABLE" });
      expect(first.ms).toBeLessThan(2_000);
      let slowest = 0;
      for (const key of others) {
        const next = await verify(key.plaintext);
        slowest = Math.max(slowest, next.ms);
        expect(next).toMatchObject({ status: 503, code: "UNAVAILABLE" });
        expect(next.ms).toBeLessThan(250);
      }
      // Meanwhile the cached key and the cached root key still answer.
      expect((await verify(cached.plaintext)).code).toBe("VALID");

      database().proxy.forward();
      const took = await waitUntil(
        async () => (await verify(last.plaintext)).code === "VALID",
        8_000,
        100,
      );
      console.log(
        `[outage] blackhole: first 503 after ${first.ms.toFixed(0)} ms, the next ones within ${slowest.toFixed(1)} ms; recovered ${took.toFixed(0)} ms after the network came back`,
      );
    });

    for (const mode of ["refuse", "blackhole"] as const) {
      it(`${mode}: a cached key and root key keep verifying for the bound, then 503`, async () => {
        const cached = await insertKey(tenant.id);
        const probe = await insertKey(tenant.id);
        expect((await verify(cached.plaintext)).code).toBe("VALID");

        const cutAt = Date.now();
        database().proxy[mode]();
        // An uncached key finds the database unreachable: the outage starts here (the
        // bound counts from this first failure, at most a second after the cut).
        expect((await verify(probe.plaintext)).status).toBe(503);

        let lastValid = 0;
        let firstUnavailable = 0;
        const statuses = new Set<number>();
        while (Date.now() - cutAt < STALE_MS + 3_000) {
          const answer = await verify(cached.plaintext);
          statuses.add(answer.status);
          if (answer.code === "VALID") {
            expect(firstUnavailable, "VALID again after 503").toBe(0);
            lastValid = Date.now();
          } else {
            expect(answer).toMatchObject({ status: 503, code: "UNAVAILABLE" });
            if (firstUnavailable === 0) firstUnavailable = Date.now();
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect([...statuses].sort()).toEqual([200, 503]);
        expect(lastValid - cutAt).toBeGreaterThan(STALE_MS - 1_000);
        expect(firstUnavailable - cutAt).toBeLessThan(STALE_MS + 2_500);
      });
    }

    it("after recovery a key revoked during the outage (on another instance) is refused promptly", async () => {
      const key = await insertKey(tenant.id);
      expect((await verify(key.plaintext)).code).toBe("VALID");
      database().proxy.refuse();
      expect((await verify((await insertKeyDirect()).plaintext)).status).toBe(503);
      // Another instance revokes it; no message reaches this one.
      await database().direct.apiKey.update({
        where: { id: key.id },
        data: { status: "REVOKED", revokedAt: new Date() },
      });
      // Within the bound this instance cannot know: the published worst case.
      expect((await verify(key.plaintext)).code).toBe("VALID");

      database().proxy.forward();
      const took = await waitUntil(
        async () => (await verify(key.plaintext)).code === "REVOKED",
        3_000,
        100,
      );
      console.log(
        `[outage] revoked during the outage: REVOKED ${took.toFixed(0)} ms after recovery`,
      );
    });

    /** A key written around the proxy (the app's own path is cut). */
    async function insertKeyDirect() {
      const { generateKey } = await import("@/lib/keys/format");
      const generated = generateKey("kp");
      await database().direct.apiKey.create({
        data: {
          tenantId: tenant.id,
          name: "written elsewhere",
          hash: generated.hash,
          start: generated.start,
          last4: generated.last4,
        },
      });
      return { plaintext: generated.key };
    }
  },
);
