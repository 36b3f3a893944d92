#!/usr/bin/env node
// The yardstick of `npm run bench`: a bare Node HTTP server that answers every request
// with a fixed small JSON body, about the size of a verify answer. Whatever the machine,
// the verify figures are printed as a share of what this server manages on it.
//
//   node scripts/bench/baseline-server.mjs <port>
import http from "node:http";

const port = Number(process.argv[2] ?? 0);
const body = JSON.stringify({
  valid: true,
  code: "VALID",
  keyId: "c0123456789abcdef01234567",
  requestId: "req_0123456789abcdef0123456789abcdef",
});

const server = http.createServer((request, response) => {
  // Read (and discard) the request body, as any real JSON endpoint has to.
  request.resume();
  request.on("end", () => {
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
