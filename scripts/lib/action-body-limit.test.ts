import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORM_TOO_LARGE_PREFIX, withFormSizeError } from "@/lib/auth/action-state";
import {
  ACTION_BODY_LIMIT_BYTES,
  FORM_TOO_LARGE_MESSAGE,
  refuseOversizedAction,
} from "./action-body-limit.mjs";

// The guard scripts/server.mjs runs before Next.js reads a server action's body, on a
// real HTTP server (loopback, a free port) with a small limit, and the client side that
// turns its answer into an error on the form.

const LIMIT = 1_000;
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (refuseOversizedAction(req, res, LIMIT)) return;
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on("end", () => res.end(`passed ${bytes}`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

type Sent = { status: number; type: string | undefined; body: string };

/** Sends `body` (declared with Content-Length unless `chunked`); `declared` may lie upward. */
function send(options: {
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  chunked?: boolean;
  declared?: number;
}): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const body = options.body ?? "";
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.chunked) headers["transfer-encoding"] = "chunked";
    else headers["content-length"] = options.declared ?? Buffer.byteLength(body);
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: options.path ?? "/t/acme/keys",
        method: options.method ?? "POST",
        headers,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body: text }),
        );
      },
    );
    req.on("error", reject);
    if (options.declared !== undefined) {
      // Only the headers: the answer must come without the body being read.
      req.flushHeaders();
      return;
    }
    req.end(body);
  });
}

const ACTION = { "next-action": "abc123", "content-type": "multipart/form-data; boundary=x" };

describe("refuseOversizedAction", () => {
  it("uses Next.js's own limit for server action bodies", () => {
    expect(ACTION_BODY_LIMIT_BYTES).toBe(1024 * 1024);
  });

  it("answers 413 in plain text, before reading, when an action declares more than the limit", async () => {
    const answer = await send({ headers: ACTION, declared: LIMIT + 1 });
    expect(answer).toEqual({ status: 413, type: "text/plain", body: FORM_TOO_LARGE_MESSAGE });
    // Next.js's client passes a text/plain error answer on as the action's error message.
    expect(FORM_TOO_LARGE_MESSAGE.startsWith(FORM_TOO_LARGE_PREFIX)).toBe(true);
  });

  it("does the same for a plain form post (a page that has not hydrated yet)", async () => {
    const answer = await send({
      headers: { "content-type": "application/x-www-form-urlencoded" },
      declared: LIMIT * 10,
    });
    expect(answer.status).toBe(413);
  });

  it("refuses an action of unknown length (chunked) with 411", async () => {
    const answer = await send({ headers: ACTION, body: "x".repeat(10), chunked: true });
    expect(answer.status).toBe(411);
  });

  it("lets through actions within the limit, API posts and every other request", async () => {
    expect(await send({ headers: ACTION, body: "x".repeat(LIMIT) })).toMatchObject({
      status: 200,
      body: `passed ${LIMIT}`,
    });
    const api = await send({
      path: "/api/v1/keys",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "x".repeat(LIMIT + 5),
    });
    expect(api.body).toBe(`passed ${LIMIT + 5}`);
    expect((await send({ method: "GET", path: "/t/acme/keys" })).status).toBe(200);
    expect(
      (await send({ headers: { "content-type": "application/json" }, body: "x".repeat(LIMIT + 5) }))
        .status,
    ).toBe(200);
  });
});

describe("withFormSizeError", () => {
  it("turns the 413's message into an error the form shows, and rethrows anything else", async () => {
    const tooLarge = withFormSizeError(async () => {
      throw new Error(FORM_TOO_LARGE_MESSAGE);
    });
    expect(await tooLarge({ status: "idle" }, new FormData())).toEqual({
      status: "error",
      message: FORM_TOO_LARGE_MESSAGE,
    });
    const other = withFormSizeError(async () => {
      throw new Error("NEXT_REDIRECT");
    });
    await expect(other({ status: "idle" }, new FormData())).rejects.toThrow("NEXT_REDIRECT");
    const fine = withFormSizeError(async () => ({ status: "success" as const }));
    expect(await fine({ status: "idle" }, new FormData())).toEqual({ status: "success" });
  });
});
