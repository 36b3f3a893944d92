// Next.js calls register() once when a server instance starts (before it serves
// requests). The key cache's cross-instance invalidation subscribes here rather than on
// the first verify, so no verify ever runs with a cache that cannot hear revocations.
// The usage retention job starts here too (first run a few seconds later, then on its
// interval; see lib/usage/retention.ts).
// It also hands the verify handlers, compiled with the rest of the app, to the
// production server (scripts/server.mjs), which answers those paths without going
// through Next.js's router.
export async function register(): Promise<void> {
  // The edge runtime has no sockets for Redis or PostgreSQL, and nothing there caches keys.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startInvalidation } = await import("./lib/verify/invalidation");
  startInvalidation();
  // Not while `next build` runs code: a build must not open (or prune) the database.
  if (process.env.NEXT_PHASE !== "phase-production-build") {
    const { startUsageRetention } = await import("./lib/usage/retention");
    startUsageRetention();
  }
  const { publishFastPath } = await import("./lib/api/fast-path");
  publishFastPath();
}
