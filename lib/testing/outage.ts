import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { setDbForTesting } from "@/lib/db";
import { circuitOf, createPool } from "@/lib/db/pool";
import type { DatabaseCircuit } from "@/lib/db/circuit";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "./database";
import { TcpProxy } from "./tcp-proxy";

// A test database (PostgreSQL only) that the data-access layer reaches through a TCP
// proxy, with the production pool (its timeouts and circuit breaker), so a test can cut
// the network under the app. `direct` reaches the same database around the proxy: it
// stands for another instance, or for the test's own checks.

export type ProxiedDatabase = {
  proxy: TcpProxy;
  pool: pg.Pool;
  circuit: DatabaseCircuit;
  /** The app's client, through the proxy. */
  client: PrismaClient;
  /** The same database, not through the proxy. */
  direct: PrismaClient;
  url: string;
  /** Forwards again and waits until the app's pool has found the database back. */
  recover(timeoutMs?: number): Promise<void>;
};

export function setupProxiedDatabase(): () => ProxiedDatabase {
  let database: TestDatabase | undefined;
  let proxied: ProxiedDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    const url = database.url ?? "";
    const proxy = await TcpProxy.start(url);
    const pool = createPool(proxy.url(url));
    const circuit = circuitOf(pool);
    if (!circuit) throw new Error("createPool() made a pool without a circuit");
    const client = new PrismaClient({ adapter: new PrismaPg(pool) });
    setDbForTesting(client, pool);
    proxied = {
      proxy,
      pool,
      circuit,
      client,
      direct: database.client,
      url,
      async recover(timeoutMs = 10_000) {
        proxy.forward();
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const answered = await pool.query("SELECT 1").then(
            () => true,
            () => false,
          );
          if (answered && !circuit.isOpen) return;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error("the database did not come back through the proxy");
      },
    };
  });
  afterAll(async () => {
    setDbForTesting(undefined);
    if (proxied) {
      proxied.proxy.forward();
      await proxied.client.$disconnect();
      await proxied.pool.end();
      await proxied.proxy.close();
    }
    await database?.drop();
  });
  return () => {
    if (!proxied) throw new Error("setupProxiedDatabase(): created in beforeAll");
    return proxied;
  };
}

/** Resolves once `condition` holds, polling every `everyMs`; rejects after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return performance.now() - started;
}
