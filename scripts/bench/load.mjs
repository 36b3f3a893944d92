#!/usr/bin/env node
// The load generator of `npm run bench`, always in its own process so it never shares
// an event loop with the server it measures. Runs autocannon once and prints one line,
// `BENCH_RESULT <json>`, that scripts/bench.mjs reads.
//
//   node scripts/bench/load.mjs '<json options>'
//
// Options: url, headers, body (an object sent as JSON), connections, duration (s),
// overallRate (req/s, optional), keysFile (optional: a file with one key a line; every
// request then sends the next key in `body.key`, so no key is asked for twice).
//
// Latency percentiles come from autocannon's per-response times (fractional ms, 2xx
// only), collected here because autocannon's own histogram rounds to whole ms, too
// coarse for a 5 ms target. At a fixed rate the coordinated-omission-corrected p99 of
// autocannon is printed too.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const options = JSON.parse(process.argv[2] ?? "{}");

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const keys = options.keysFile
  ? readFileSync(options.keysFile, "utf8").split("\n").filter(Boolean)
  : null;
let next = 0;
let wrapped = false;

const request = { method: "POST", path: new URL(options.url).pathname };
if (keys) {
  request.setupRequest = (req) => {
    if (next >= keys.length) {
      next = 0;
      wrapped = true;
    }
    req.body = JSON.stringify({ ...options.body, key: keys[next++] });
    return req;
  };
}

const instance = autocannon({
  url: options.url,
  method: "POST",
  headers: { "content-type": "application/json", ...options.headers },
  body: JSON.stringify(options.body ?? {}),
  connections: options.connections ?? 20,
  duration: options.duration ?? 10,
  ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  requests: [request],
});

const times = [];
instance.on("response", (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
});

instance.then(
  (result) => {
    times.sort((a, b) => a - b);
    const out = {
      requests: result.requests.total,
      seconds: result.duration,
      rps: result["2xx"] / result.duration,
      ok: result["2xx"],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: times.at(-1) ?? Number.NaN,
      correctedP99: result.latency.p99,
      distinctKeys: keys ? (wrapped ? keys.length : next) : undefined,
      wrapped,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(out)}`);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
