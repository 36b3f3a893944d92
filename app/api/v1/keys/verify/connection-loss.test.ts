import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertRootKey, jsonOf, post } from "@/lib/api/test-support";
import { setDbForTesting } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { setupTestDatabase, testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting } from "@/lib/usage/buffer";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import { POST } from "./route";

// The database really goes away: the app's connections run through a TCP proxy that the
// test shuts down, closing every open connection and refusing new ones.

const database = setupTestDatabase();
setupTestCounters();

let proxy: Server;
const sockets = new Set<Socket>();
let client: PrismaClient | undefined;
let tenant: TestTenant;
let rootKey: string;

function startProxy(target: URL): Promise<number> {
  proxy = createServer((incoming) => {
    const outgoing = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  return new Promise((resolve) =>
    proxy.listen(0, "127.0.0.1", () => resolve((proxy.address() as AddressInfo).port)),
  );
}

function stopProxy(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => proxy.close(() => resolve()));
}

describe.runIf(testsUsePostgres)("verification when PostgreSQL becomes unreachable", () => {
  beforeAll(async () => {
    ({ tenant } = await createTenantWithOwner());
    rootKey = await insertRootKey(tenant.id, ["keys:verify"]);
    const url = new URL(database().url ?? "");
    const port = await startProxy(new URL(url));
    url.hostname = "127.0.0.1";
    url.port = String(port);
    client = new PrismaClient({
      adapter: new PrismaPg({ connectionString: url.toString(), connectionTimeoutMillis: 1_000 }),
    });
    setDbForTesting(client);
  });
  afterAll(async () => {
    discardBufferedUsageForTesting();
    setDbForTesting(database().client);
    await client?.$disconnect().catch(() => {});
    if (proxy.listening) await stopProxy();
  });

  it("answers cached keys from the cache and 503 'cannot verify' for the rest, never VALID", async () => {
    const cached = await insertKey(tenant.id);
    const uncached = await insertKey(tenant.id);
    const verify = (key: string) =>
      POST(post("http://localhost/api/v1/keys/verify", { key }, { rootKey }));
    // Through the proxy: both the root key and the first key are now cached.
    expect((await jsonOf(await verify(cached.plaintext))).code).toBe("VALID");

    await stopProxy();

    const stillCached = await verify(cached.plaintext);
    expect(stillCached.status).toBe(200);
    expect((await jsonOf(stillCached)).code).toBe("VALID");
    const unknownToCache = await verify(uncached.plaintext);
    expect(unknownToCache.status).toBe(503);
    expect(await jsonOf(unknownToCache)).toEqual({
      error: { code: "UNAVAILABLE", message: "cannot verify" },
    });
  });
});
