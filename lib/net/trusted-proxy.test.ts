import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as verifyV2Route } from "@/app/v2/keys.verifyKey/route";
import { fastPath } from "@/lib/api/fast-path";
import { insertRootKey } from "@/lib/api/test-support";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestTenant } from "@/lib/testing/fixtures";
import { discardBufferedUsageForTesting, flushUsage } from "@/lib/usage/buffer";
import { insertKey, setupTestCounters } from "@/lib/verify/test-support";
import {
  PEER_ADDRESS_HEADER as ENTRY_HEADER,
  setPeerAddress,
} from "../../scripts/lib/peer-address.mjs";
import { PEER_ADDRESS_HEADER } from "./client-address";

// Keyplane behind a trusted proxy on 127.0.0.1: requests that come through it carry the
// client's address in X-Forwarded-For, and only hop by hop from the proxy is it believed.
// A request from 127.0.0.2 (not a trusted proxy) is its own client, whatever it sends.
// Both servers: the node:http fast path, and Next.js's route handler behind an entry
// that writes the peer header as scripts/server.mjs does.

vi.stubEnv("KEYPLANE_TRUSTED_PROXIES", "127.0.0.1/32");
setupTestDatabase();
setupTestCounters();

const V2 = "/v2/keys.verifyKey";
let tenant: TestTenant;
let rootKey: string;
let fastServer: http.Server;
let routeServer: http.Server;
const ports: Record<string, number> = {};

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  ({ tenant } = await createTenantWithOwner());
  rootKey = await insertRootKey(tenant.id, ["keys:verify"]);
  const routes = fastPath().routes;
  fastServer = http.createServer((req, res) => {
    const route = routes[req.url ?? ""];
    if (route) route(req, res, {});
  });
  // The Next.js side: the entry's header, then the route handler on a web Request.
  routeServer = http.createServer(async (req, res) => {
    setPeerAddress(req);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string") headers.set(name, value);
    const response = await verifyV2Route(
      new Request(`http://localhost${req.url}`, {
        method: "POST",
        headers,
        body: Buffer.concat(chunks),
      }),
    );
    res.writeHead(response.status, { "content-type": "application/json" });
    res.end(await response.text());
  });
  ports.fast = await listen(fastServer);
  ports.route = await listen(routeServer);
});
afterAll(async () => {
  await Promise.all([fastServer, routeServer].map((s) => new Promise((r) => s.close(r))));
  await flushUsage().catch(() => {});
  discardBufferedUsageForTesting();
});

/** POST from a chosen local address, so the server sees that socket peer. */
function send(
  port: number,
  from: string,
  key: string,
  headers: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ key });
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: V2,
        method: "POST",
        localAddress: from,
        headers: {
          authorization: `Bearer ${rootKey}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve(JSON.parse(text).data?.code ?? `status ${res.statusCode}`));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe.each(["fast", "route"])("behind a trusted proxy (%s)", (server) => {
  it("a real chain through the trusted proxy yields the client's address", async () => {
    const port = ports[server] as number;
    const key = await insertKey(tenant.id, { ipAllowlist: ["10.9.8.7/32"] });
    // The proxy (127.0.0.1) appended the client it saw; earlier entries are the client's.
    expect(await send(port, "127.0.0.1", key.plaintext, { "x-forwarded-for": "10.9.8.7" })).toBe(
      "VALID",
    );
    expect(
      await send(port, "127.0.0.1", key.plaintext, {
        "x-forwarded-for": "192.0.2.1, 10.9.8.7, 127.0.0.1",
      }),
    ).toBe("VALID");
    // The client in front of the proxy put 10.9.8.7 first; the proxy appended the truth.
    expect(
      await send(port, "127.0.0.1", key.plaintext, { "x-forwarded-for": "10.9.8.7, 198.51.100.4" }),
    ).toBe("FORBIDDEN");
    // No header through the proxy: the proxy itself is the client.
    expect(await send(port, "127.0.0.1", key.plaintext)).toBe("FORBIDDEN");
  });

  it("from an untrusted socket, forged headers are ignored", async () => {
    const port = ports[server] as number;
    const key = await insertKey(tenant.id, { ipAllowlist: ["10.9.8.7/32"] });
    for (const forged of ["10.9.8.7", "10.9.8.7, 127.0.0.1"]) {
      expect(
        await send(port, "127.0.0.2", key.plaintext, {
          "x-forwarded-for": forged,
          [PEER_ADDRESS_HEADER]: "127.0.0.1",
        }),
      ).toBe("FORBIDDEN");
    }
    const own = await insertKey(tenant.id, { ipAllowlist: ["127.0.0.2/32"] });
    expect(await send(port, "127.0.0.2", own.plaintext, { "x-forwarded-for": "10.9.8.7" })).toBe(
      "VALID",
    );
  });
});

it("the server entry and the app name the same header", () => {
  expect(ENTRY_HEADER).toBe(PEER_ADDRESS_HEADER);
});
