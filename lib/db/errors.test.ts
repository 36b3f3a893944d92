import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { setupTestDatabase, testsUsePostgres } from "@/lib/testing/database";
import { TcpProxy } from "@/lib/testing/tcp-proxy";
import { DatabaseUnavailableError, isConnectionError } from "./errors";

// isConnectionError against the errors pg, pg-pool and Prisma's driver adapter really
// produce when the database is refused, silent or slow: each is provoked through a TCP
// proxy in front of the test database, none is written by hand.

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("isConnectionError on hand-made values", () => {
  it("recognises the circuit's own error and nothing that merely failed", () => {
    expect(isConnectionError(new DatabaseUnavailableError("down"))).toBe(true);
    expect(isConnectionError(new Error("Unique constraint failed"))).toBe(false);
    expect(isConnectionError(null)).toBe(false);
    expect(isConnectionError("boom")).toBe(false);
  });
});

describe.skipIf(!testsUsePostgres)(
  "isConnectionError on real failures (needs DATABASE_URL)",
  () => {
    const database = setupTestDatabase();
    let proxy: TcpProxy;
    let pool: pg.Pool;
    let prisma: PrismaClient;

    beforeAll(async () => {
      const url = database().url ?? "";
      proxy = await TcpProxy.start(url);
      // Short timeouts so the blackholed cases end quickly; the kinds of error are the
      // pool's real ones (see POOL_TIMEOUTS in client.ts for the production values).
      pool = new pg.Pool({
        connectionString: proxy.url(url),
        max: 1,
        connectionTimeoutMillis: 400,
        query_timeout: 400,
      });
      pool.on("error", () => {});
      prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    });
    afterAll(async () => {
      proxy.forward();
      await prisma?.$disconnect();
      await pool?.end();
      await proxy?.close();
    });

    async function warm(): Promise<void> {
      proxy.forward();
      await pool.query("SELECT 1");
    }

    it("refused: pg, Prisma's raw queries (P2010) and model queries (P1017)", async () => {
      await warm();
      proxy.refuse();
      const errors = [
        await failure(() => pool.query("SELECT 1")),
        await failure(() => pool.query("SELECT 1")),
        await failure(() => prisma.$queryRaw`SELECT 1`),
        await failure(() => prisma.tenant.findFirst()),
        await failure(() => prisma.$transaction(async (tx) => tx.tenant.count())),
      ];
      for (const error of errors) expect(isConnectionError(error), String(error)).toBe(true);
    });

    it("nothing listening: ECONNREFUSED", async () => {
      const closed = await TcpProxy.start(database().url ?? "");
      const url = closed.url(database().url ?? "");
      await closed.close();
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 400 });
      const error = await failure(() => client.connect());
      expect((error as { code?: string }).code).toBe("ECONNREFUSED");
      expect(isConnectionError(error)).toBe(true);
    });

    it("blackholed: the query read timeout, the connect timeout and the pool's wait", async () => {
      await warm();
      proxy.blackhole();
      // The idle connection is reused: the query is sent and no answer comes.
      const readTimeout = await failure(() => pool.query("SELECT 1"));
      expect(String(readTimeout)).toMatch(/Query read timeout/);
      // A new connection: TCP is accepted, the startup message is never answered.
      const connectTimeout = await failure(() => pool.query("SELECT 1"));
      expect(String(connectTimeout)).toMatch(/connection timeout/);
      // The only connection is busy with a query that will not return: the pool's wait.
      const busy = pool.query("SELECT 1").catch((error: unknown) => error);
      const poolWait = await failure(() => pool.query("SELECT 1"));
      expect(String(poolWait)).toMatch(/timeout exceeded when trying to connect/);
      const throughPrisma = await failure(() => prisma.tenant.findFirst());
      for (const error of [readTimeout, connectTimeout, poolWait, await busy, throughPrisma]) {
        expect(isConnectionError(error), String(error)).toBe(true);
      }
    });

    it("a statement cancelled by statement_timeout (57014), through pg and Prisma", async () => {
      proxy.forward();
      const slow = new pg.Pool({ connectionString: database().url, max: 1, statement_timeout: 50 });
      const slowPrisma = new PrismaClient({ adapter: new PrismaPg(slow) });
      try {
        const viaPg = await failure(() => slow.query("SELECT pg_sleep(1)"));
        expect((viaPg as { code?: string }).code).toBe("57014");
        const viaPrisma = await failure(() => slowPrisma.$queryRaw`SELECT pg_sleep(1)`);
        expect(isConnectionError(viaPg)).toBe(true);
        expect(isConnectionError(viaPrisma), String(viaPrisma)).toBe(true);
      } finally {
        await slowPrisma.$disconnect();
        await slow.end();
      }
    });

    it("errors of a database that answered are not connection errors", async () => {
      await warm();
      const syntax = await failure(() => pool.query("SELEC 1"));
      const prismaSyntax = await failure(() => prisma.$queryRawUnsafe("SELEC 1"));
      const tenant = await prisma.tenant.create({ data: { slug: "dup-slug", name: "A" } });
      const unique = await failure(() =>
        prisma.tenant.create({ data: { slug: tenant.slug, name: "B" } }),
      );
      for (const error of [syntax, prismaSyntax, unique]) {
        expect(isConnectionError(error), String(error)).toBe(false);
      }
    });
  },
);
