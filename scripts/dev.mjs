#!/usr/bin/env node
// `npm run dev`: Next.js's development server (hot reload, Turbopack) behind a plain
// node:http server, so that development follows the production rule for client
// addresses: every request carries the socket's peer in the header the app reads
// (scripts/lib/peer-address.mjs), and a forged one from the client is removed. Bare
// `next dev` has no such entry, so its requests have no known client ("unknown": an IP
// allowlist refuses them, and sign-in limits count them together).
//
//   node scripts/dev.mjs [--port 3000] [--hostname <address>]
import http from "node:http";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { ROOT } from "./lib/next-app.mjs";
import { setPeerAddress } from "./lib/peer-address.mjs";

const require = createRequire(import.meta.url);
const { values: flags } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});
const port = Number(flags.port ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a number from 0 to 65535, not "${flags.port}".`);
  process.exit(1);
}
const hostname = flags.hostname || undefined;

async function main() {
  const next = require("next");
  const app = next({ dev: true, dir: ROOT, hostname, port, turbopack: true });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    setPeerAddress(req);
    handle(req, res).catch((error) => {
      console.error(`Failed to handle request for ${req.url}`, error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("Internal Server Error");
      }
    });
  });
  // Next.js's hot reload runs over WebSocket upgrades on the same port.
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (req, socket, head) => upgrade(req, socket, head));
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, resolve);
  });
  console.log(`- Local: http://${hostname ?? "localhost"}:${port} (Keyplane dev server)`);
}

main().catch((error) => {
  console.error("Failed to start the development server");
  console.error(error);
  process.exit(1);
});
