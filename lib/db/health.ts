import "server-only";
import { db, describeDatabaseTarget } from "./client";
import { describeDatabaseError } from "./errors";

export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await db().$queryRaw`SELECT 1`;
    return { ok: true };
  } catch (error) {
    return { ok: false, error: describeDatabaseError(error, describeDatabaseTarget()) };
  }
}
