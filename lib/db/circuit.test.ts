import { describe, expect, it } from "vitest";
import { testsUsePostgres } from "@/lib/testing/database";
import { TcpProxy } from "@/lib/testing/tcp-proxy";
import { DatabaseCircuit } from "./circuit";
import { circuitOf, createPool } from "./pool";
import { DatabaseUnavailableError } from "./errors";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
  code: "ECONNREFUSED",
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("DatabaseCircuit", () => {
  it("opens on lost connectivity only, probes one at a time, and closes on the first success", async () => {
    let probes = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let reachable = false;
    let closed = 0;
    const circuit = new DatabaseCircuit(
      async () => {
        probes++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(30);
        inFlight--;
        if (!reachable) throw refused;
      },
      () => closed++,
      10,
    );
    circuit.recordFailure(new Error("syntax error at or near SELEC"));
    circuit.recordFailure(Object.assign(new Error("canceling statement"), { code: "57014" }));
    expect(circuit.isOpen).toBe(false);

    circuit.recordFailure(refused);
    const openedAt = circuit.openedAt;
    expect(circuit.isOpen).toBe(true);
    // More failures during the same outage keep its start.
    circuit.recordFailure(new DatabaseUnavailableError("no answer within 1000 ms"));
    expect(circuit.openedAt).toBe(openedAt);
    await sleep(200);
    expect(probes).toBeGreaterThan(1);
    expect(maxInFlight).toBe(1);
    expect(circuit.isOpen).toBe(true);

    reachable = true;
    await sleep(150);
    expect(circuit.isOpen).toBe(false);
    expect(closed).toBe(1);
    const after = probes;
    await sleep(100);
    expect(probes).toBe(after);
    circuit.stop();
  });
});

describe.skipIf(!testsUsePostgres)("createPool (needs DATABASE_URL)", () => {
  it("sets the statement timeout, fails fast while the circuit is open, and recovers", async () => {
    const url = process.env.DATABASE_URL ?? "";
    const proxy = await TcpProxy.start(url);
    const pool = createPool(proxy.url(url), { max: 2 });
    const circuit = circuitOf(pool);
    try {
      const { rows } = await pool.query<{ statement_timeout: string }>("SHOW statement_timeout");
      expect(rows[0]?.statement_timeout).toBe("5s");

      proxy.refuse();
      await expect(pool.query("SELECT 1")).rejects.toThrow();
      expect(circuit?.isOpen).toBe(true);
      const started = performance.now();
      await expect(pool.query("SELECT 1")).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(pool.connect()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(performance.now() - started).toBeLessThan(50);

      proxy.forward();
      const deadline = Date.now() + 5_000;
      while (circuit?.isOpen && Date.now() < deadline) await sleep(50);
      expect(circuit?.isOpen).toBe(false);
      await expect(pool.query("SELECT 1 AS one")).resolves.toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await pool.end();
      await proxy.close();
    }
  });
});
