// Prepares the verify sections of `npm run bench` on the PostgreSQL in DATABASE_URL: a
// tenant "verify" with a root key allowed keys:verify, one key for the cached runs, one
// with a (never reached) rate limit so the counters are exercised, and BENCH_VERIFY_KEYS
// (100,000) keys whose plaintexts are written to a file for the uncached run. Keys are
// made exactly as lib/keys/create.ts makes them (generateKey: SHA-256 of the whole key,
// start, last4) and inserted directly, many rows per statement.
//
//   tsx scripts/bench/verify-setup.ts <output directory>
//
// Writes <output directory>/verify.json ({ rootKey, cachedKey, limitedKey, keysFile }).
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { generateKey } from "@/lib/keys/format";

const COUNT = Number(process.env.BENCH_VERIFY_KEYS ?? 100_000);
const PREFIX = "kpv";
const BATCH = 10_000;

const newId = () => `c${randomBytes(12).toString("hex")}`;

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error("usage: verify-setup.ts <output directory>");
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const started = performance.now();
    const tenantId = newId();
    await client.query(
      `INSERT INTO "Tenant" ("id", "slug", "name", "keyPrefix", "updatedAt")
       VALUES ($1, 'verify', 'Verify bench', $2, now())`,
      [tenantId, PREFIX],
    );
    // Same shape as createRootKey (lib/rootkeys/data.ts): prefix `<tenant prefix>_root`.
    const root = generateKey(`${PREFIX}_root`);
    await client.query(
      `INSERT INTO "RootKey" ("id", "tenantId", "name", "hash", "start", "last4", "permissions")
       VALUES ($1, $2, 'bench', $3, $4, $5, ARRAY['keys:verify'])`,
      [newId(), tenantId, root.hash, root.start, root.last4],
    );

    const insert = async (
      rows: { name: string; hash: string; start: string; last4: string }[],
      perMinute: number | null,
    ) => {
      await client.query(
        `INSERT INTO "ApiKey" ("id", "tenantId", "name", "hash", "start", "last4", "scopes",
           "tags", "ipAllowlist", "allowedEndpoints", "allowedResources", "rateLimitPerMinute",
           "updatedAt")
         SELECT 'c' || md5(h), $1, n, h, s, l, '{}', '{}', '{}', '{}', '{}', $6::int, now()
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(n, h, s, l)`,
        [
          tenantId,
          rows.map((r) => r.name),
          rows.map((r) => r.hash),
          rows.map((r) => r.start),
          rows.map((r) => r.last4),
          perMinute,
        ],
      );
    };

    const cached = generateKey(PREFIX);
    await insert([{ name: "cached", ...cached }], null);
    const limited = generateKey(PREFIX);
    // High enough never to deny during the run; every call still consumes a slot.
    await insert([{ name: "rate-limited", ...limited }], 1_000_000_000);

    const plaintexts: string[] = [];
    for (let done = 0; done < COUNT; done += BATCH) {
      const rows = [];
      for (let i = done; i < Math.min(COUNT, done + BATCH); i++) {
        const key = generateKey(PREFIX);
        plaintexts.push(key.key);
        rows.push({ name: `uncached-${i}`, hash: key.hash, start: key.start, last4: key.last4 });
      }
      await insert(rows, null);
    }
    await client.query(`ANALYZE "ApiKey"`);
    const keysFile = path.join(out, "keys.txt");
    writeFileSync(keysFile, `${plaintexts.join("\n")}\n`, { mode: 0o600 });
    writeFileSync(
      path.join(out, "verify.json"),
      JSON.stringify({
        rootKey: root.key,
        cachedKey: cached.key,
        limitedKey: limited.key,
        keysFile,
      }),
      { mode: 0o600 },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `verify setup: tenant "verify", a root key and ${(COUNT + 2).toLocaleString("en-US")} keys with known plaintexts in ${seconds} s`,
    );
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
