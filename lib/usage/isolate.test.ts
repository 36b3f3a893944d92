import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UnwrittenUsageError, writeIsolating } from "./isolate";
import { usageEvent } from "./test-support";
import type { UsageEventInput } from "./types";

// Whatever the batch and wherever the refused events sit, splitting writes every other
// event exactly once, in order, and sets aside exactly the refused ones; a lost
// connection at any point leaves every event either written or handed back, none twice.

const refused = Object.assign(new Error("unsupported Unicode escape sequence"), { code: "22P05" });
const lost = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
  code: "ECONNREFUSED",
});

function batchOf(bad: readonly boolean[]): UsageEventInput[] {
  return bad.map((isBad, i) =>
    usageEvent({ tenantId: "t", time: i, endpoint: isBad ? "GET /a\u0000b" : null }),
  );
}

describe("writeIsolating", () => {
  it("writes every accepted event once, in order, and quarantines exactly the refused ones", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), async (bad) => {
        const batch = batchOf(bad.map((b, i) => b && i % 7 === 0));
        const written: number[] = [];
        const quarantined: number[] = [];
        let writes = 0;
        await writeIsolating(
          batch,
          async (events) => {
            writes++;
            if (events.some((e) => e.endpoint !== null)) throw refused;
            written.push(...events.map((e) => e.time));
          },
          (event) => quarantined.push(event.time),
        );
        const badTimes = batch.filter((e) => e.endpoint !== null).map((e) => e.time);
        expect(quarantined).toEqual(badTimes);
        expect(written).toEqual(batch.filter((e) => e.endpoint === null).map((e) => e.time));
        // Bounded work: about 2·log2(n) writes per refused event.
        expect(writes).toBeLessThanOrEqual(
          1 + badTimes.length * 2 * Math.ceil(Math.log2(batch.length + 1)),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("hands back exactly what was not written when the connection drops after any write", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 200 }),
        fc.nat({ max: 40 }),
        async (bad, dropAfter) => {
          const batch = batchOf(bad.map((b, i) => b && i % 5 === 0));
          const written: number[] = [];
          const quarantined: number[] = [];
          let writes = 0;
          const run = writeIsolating(
            batch,
            async (events) => {
              if (writes++ >= dropAfter) throw lost;
              if (events.some((e) => e.endpoint !== null)) throw refused;
              written.push(...events.map((e) => e.time));
            },
            (event) => quarantined.push(event.time),
          );
          const handedBack = await run.then(
            () => [],
            (error: unknown) => {
              expect(error).toBeInstanceOf(UnwrittenUsageError);
              return (error as UnwrittenUsageError).events.map((e) => e.time);
            },
          );
          // Every event exactly once: written, quarantined or handed back; and what is
          // handed back keeps its order.
          expect([...written, ...quarantined, ...handedBack].sort((a, b) => a - b)).toEqual(
            batch.map((e) => e.time),
          );
          expect(handedBack).toEqual([...handedBack].sort((a, b) => a - b));
          // Nothing refused for its data was written.
          for (const t of written) expect(batch[t]?.endpoint).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });
});
