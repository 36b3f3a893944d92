#!/usr/bin/env node
// Keyplane's production server, in place of `next start` (which `npm start`, the e2e
// servers and the bench all run through this script):
//
//   node scripts/server.mjs [--port 3000] [--hostname <address>] [--keepAliveTimeout <ms>]
//
// Everything goes to Next.js's own request handler — the one `next start` uses — except
// POST /api/v1/keys/verify and POST /v2/keys.verifyKey, which are answered here on plain
// node:http. Next.js's routing, web-stream plumbing and per-request bookkeeping cost
// about 30 times what a cached verification costs, so the hot path skips them. The
// handlers are not a second copy: instrumentation.ts (compiled by `next build`, run by
// Next.js before it serves) publishes the handlers the route files call on globalThis
// (lib/api/fast-path.ts). This script adds what Next.js adds to those routes' answers,
// read from the build: the `headers()` of next.config.ts, the RSC `Vary` header and
// Next.js's response compression. It steps aside (and says so at start) when the build
// has anything that could change how those paths are answered: edge middleware, a base
// path, i18n, or a proxy.ts matcher, redirect, rewrite or conditional header matching them.
// KEYPLANE_FAST_PATH=off serves everything through Next.js (for comparison).
//
// SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (every
// answer from then on closes its connection), then exit 143/130 as `next start` does;
// lib/usage/buffer.ts holds that exit until buffered usage events are written.
import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import { refuseOversizedAction } from "./lib/action-body-limit.mjs";
import { ROOT } from "./lib/next-app.mjs";
import { setPeerAddress } from "./lib/peer-address.mjs";

process.env.NODE_ENV = "production";
// V8 may decide, early in a process's life, that objects made at some allocation site
// live long and allocate them in the old generation from then on. On this server that
// guess misfired in about one start in four (measured with --trace-gc-nvp under the
// verify benchmark): per-request objects landed in the old generation, the young ones
// they point to then survived every scavenge (98% promoted, 3 MB per scavenge against
// 15 KB), scavenges took 5 ms instead of 1, and a full collection ran every second. That
// process then served about a third fewer verifications for its whole life. With the
// guess turned off, none of the runs since has shown it (README, Performance). It must
// be set before the app allocates anything.
v8.setFlagsFromString("--no-allocation-site-pretenuring");
const require = createRequire(import.meta.url);
const started = Date.now();

const FAST_PATHS = ["/api/v1/keys/verify", "/v2/keys.verifyKey"];
const FAST_PATH_GLOBAL = "__keyplaneFastPath";
/** How long a shutdown waits for in-flight requests before closing their connections. */
const DRAIN_TIMEOUT_MS = 30_000;

const { values: flags } = parseArgs({
  options: {
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
    keepAliveTimeout: { type: "string" },
  },
});
const port = Number(flags.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a number from 0 to 65535, not "${flags.port}".`);
  process.exit(1);
}
const hostname = flags.hostname || undefined;
const keepAliveTimeout = flags.keepAliveTimeout ? Number(flags.keepAliveTimeout) : undefined;
if (keepAliveTimeout !== undefined && !(keepAliveTimeout >= 0)) {
  console.error(`--keepAliveTimeout must be a number of milliseconds.`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(path.join(ROOT, ".next", file), "utf8"));
}

/**
 * For each fast path: the headers Next.js would add to its answers, or why the path must
 * be left to Next.js. Decided once from the build's manifests.
 */
function planFastPaths() {
  const routes = readJson("routes-manifest.json");
  const { config } = readJson("required-server-files.json");
  const middleware = readJson("server/middleware-manifest.json");
  const appPaths = readJson("server/app-paths-manifest.json");
  // proxy.ts (middleware on the Node.js runtime) is listed here, with its matchers, rather
  // than in the middleware manifest. A fast path steps aside if any matcher could match
  // it; its conditions (has/missing) are not weighed, so a doubt leaves it to Next.js.
  const proxy = readJson("server/functions-config-manifest.json").functions?.["/_middleware"];
  const everywhere = [];
  if (Object.keys(middleware.middleware ?? {}).length > 0) everywhere.push("middleware");
  if (routes.basePath) everywhere.push("basePath");
  if (config.i18n) everywhere.push("i18n");
  const matches = (rule, pathname) =>
    new RegExp(rule.regex, routes.caseSensitive ? "" : "i").test(pathname);
  const plans = new Map();
  const skipped = [];
  for (const pathname of FAST_PATHS) {
    const reasons = [...everywhere];
    if (!appPaths[`${pathname}/route`]) reasons.push("no such route in the build");
    const rewrites = Array.isArray(routes.rewrites)
      ? routes.rewrites
      : (routes.rewrites?.beforeFiles ?? []);
    if (routes.redirects.some((rule) => matches(rule, pathname))) reasons.push("a redirect");
    if (
      proxy &&
      (proxy.matchers ?? [{ regexp: "" }]).some((m) => new RegExp(m.regexp).test(pathname))
    ) {
      reasons.push("proxy.ts");
    }
    if (rewrites.some((rule) => matches(rule, pathname))) reasons.push("a rewrite");
    const headers = {};
    for (const rule of routes.headers) {
      if (!matches(rule, pathname)) continue;
      if (rule.has || rule.missing) reasons.push("a conditional header rule");
      for (const { key, value } of rule.headers) headers[key] = value;
    }
    if (reasons.length > 0) {
      skipped.push(`${pathname} (${reasons.join(", ")})`);
      continue;
    }
    // What Next.js's compression middleware adds to every answer, compressed or not.
    const vary = [routes.rsc?.varyHeader, config.compress !== false ? "Accept-Encoding" : null];
    headers.Vary = vary.filter(Boolean).join(", ");
    plans.set(pathname, headers);
  }
  return { plans, skipped, compress: config.compress !== false };
}

/** What the start banner says about the fast path, once register() has run. */
async function describeFastPath(plans, skipped, disabled) {
  if (disabled) return "off (KEYPLANE_FAST_PATH=off)";
  try {
    // The promise Next.js's server awaits before its first request; idempotent.
    const {
      ensureInstrumentationRegistered,
    } = require("next/dist/server/lib/router-utils/instrumentation-globals.external");
    await ensureInstrumentationRegistered(ROOT, ".next");
  } catch (error) {
    // register() parses the environment (lib/env.ts): an invalid setting, such as a
    // KEYPLANE_TRUSTED_PROXIES entry that is not an address, refuses the start.
    if (String(error?.message).includes("Invalid environment")) throw error;
    console.error(error);
  }
  const published = globalThis[FAST_PATH_GLOBAL];
  if (published?.version !== 1) {
    return "off (instrumentation.ts did not publish it; is the build current?)";
  }
  const served = [...plans.keys()].filter((pathname) => published.routes[pathname]);
  let state = served.length > 0 ? `on for POST ${served.join(", ")}` : "off";
  if (skipped.length > 0) state += `; left to Next.js: ${skipped.join("; ")}`;
  return state;
}

/** Next.js's listening banner, and the origin it gives server actions. */
function announce(server) {
  const address = server.address();
  const actual = typeof address === "object" && address ? address.address : hostname;
  const listeningPort = typeof address === "object" && address ? address.port : port;
  const bracket = (host) => (host.includes(":") ? `[${host}]` : host);
  let shown = "localhost";
  if (hostname && actual !== "0.0.0.0") shown = actual === "::" ? "[::1]" : bracket(hostname);
  const url = `http://${shown}:${listeningPort}`;
  process.env.PORT = String(listeningPort);
  process.env.__NEXT_PRIVATE_ORIGIN = url;
  return url;
}

async function main() {
  const next = require("next");
  const { version } = require("next/package.json");
  const app = next({ dev: false, dir: ROOT, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const { plans, skipped, compress: compressing } = planFastPaths();
  const disabled = process.env.KEYPLANE_FAST_PATH === "off";
  // Looked up per request: register() may still be running when prepare() resolves, and
  // until it has published the handlers Next.js serves these paths (it waits for it).
  const fastEntry = (pathname) => {
    const headers = plans.get(pathname);
    const route = headers && globalThis[FAST_PATH_GLOBAL]?.routes[pathname];
    return route ? { route, headers } : undefined;
  };

  // The compression middleware Next.js's own handler runs (next.config `compress`).
  const compress = compressing ? require("next/dist/compiled/compression")() : null;
  const { releaseCompressionStream } = require("next/dist/server/lib/release-compression-stream");
  const noop = () => {};
  let stopping = false;

  function serveFast(entry, req, res) {
    if (compress && req.headers["accept-encoding"] !== undefined) {
      compress(req, res, noop);
      res.once("close", () => {
        if (!res.writableFinished) releaseCompressionStream(res);
      });
    }
    // Synchronous (no promise) up to the handler; it answers every failure itself.
    entry.route(req, res, entry.headers);
  }

  const server = http.createServer((req, res) => {
    if (stopping) res.setHeader("connection", "close");
    if (req.method === "POST" && !disabled) {
      const query = req.url.indexOf("?");
      const entry = fastEntry(query === -1 ? req.url : req.url.slice(0, query));
      if (entry) return serveFast(entry, req, res);
    }
    // The client's address: Next.js's routes learn the socket's peer from this header
    // alone (scripts/lib/peer-address.mjs); the fast path above reads the socket.
    setPeerAddress(req);
    if (refuseOversizedAction(req, res)) return;
    handle(req, res).catch((error) => {
      console.error(`Failed to handle request for ${req.url}`, error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("Internal Server Error");
      }
    });
  });
  if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;

  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    // Idle keep-alive connections close now; busy ones after their answer.
    server.close(() => {
      clearTimeout(timer);
      app
        .close()
        .catch((error) => console.error(error))
        .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    timer.unref();
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => shutdown(signal));

  const fastState = await describeFastPath(plans, skipped, disabled);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, resolve);
  });
  server.on("error", (error) => console.error(error));
  const url = announce(server);
  console.log(`▲ Next.js ${version} (Keyplane server, scripts/server.mjs)`);
  console.log(`- Local:        ${url}`);
  console.log(`- Verify fast path: ${fastState}`);
  console.log(`✓ Ready in ${Date.now() - started}ms`);
}

main().catch((error) => {
  console.error("Failed to start server");
  console.error(error);
  process.exit(1);
});
