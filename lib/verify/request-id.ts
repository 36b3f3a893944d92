import { randomFillSync } from "node:crypto";

// Request ids name one answer of the API (`req_` and 32 hex digits: 128 random bits). The
// verify path makes one per call, so the random bytes are drawn from the system's CSPRNG
// a page at a time and handed out 16 bytes at a time, each byte used once.

const ID_BYTES = 16;
const POOL_BYTES = ID_BYTES * 256;

type Pool = { bytes: Buffer; offset: number };
const pool: Pool = { bytes: Buffer.alloc(POOL_BYTES), offset: POOL_BYTES };

export function newRequestId(): string {
  if (pool.offset === POOL_BYTES) {
    randomFillSync(pool.bytes);
    pool.offset = 0;
  }
  const start = pool.offset;
  pool.offset = start + ID_BYTES;
  return `req_${pool.bytes.toString("hex", start, start + ID_BYTES)}`;
}
