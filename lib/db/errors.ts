// Turns the ways a database connection fails into one sentence that says what to do.
// Used by the start script, the migrate script and the app's error pages.

/**
 * The digest a page's error boundary (app/error.tsx) recognises. Next.js keeps the
 * digest of an error thrown while rendering on the server (it replaces the message in
 * production), so this is how the boundary tells "database unreachable" from a bug.
 */
export const DATABASE_UNAVAILABLE_DIGEST = "KEYPLANE_DATABASE_UNAVAILABLE";

/**
 * What a page's error boundary says, by the error's digest (all Next.js passes on of an
 * error thrown on the server in production).
 */
export function errorPageText(digest: string | undefined): { title: string; detail: string } {
  if (digest === DATABASE_UNAVAILABLE_DIGEST) {
    return {
      title: "The database cannot be reached",
      detail:
        "Keyplane cannot reach its database right now, so this page cannot be shown. Nothing was changed. Try again in a moment.",
    };
  }
  return {
    title: "Something went wrong",
    detail:
      "Keyplane could not load this page. If it keeps happening, open /api/health to see whether the database is reachable.",
  };
}

/** The database cannot be reached (or did not answer in time); answer 503, not 500. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;
}

// Error codes that mean the database could not be reached or did not answer: Node's
// socket errors, PostgreSQL's connection exceptions (class 08), shutdown and "cannot
// connect now" (57P0x), too many connections (53300), a statement cancelled by
// statement_timeout (57014: the server answered, but too late to use), a missing
// database and refused credentials (misconfiguration, met at start), and Prisma's
// codes for the same conditions.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "53300",
  "57014",
  "57P01",
  "57P02",
  "57P03",
  "3D000",
  "28P01",
  "28000",
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
]);

// The driver adapter's kinds for the same conditions (Prisma wraps them in its errors).
const CONNECTION_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "AuthenticationFailed",
]);

// What pg and pg-pool say when a connection fails or a reply never comes: refused,
// reset or closed connections, the pool's and the client's connect timeouts, and the
// client-side query timeout (the case of packets dropped on the way).
const CONNECTION_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Can't reach database|Connection terminated|connect ETIMEDOUT|timeout exceeded when trying to connect|timeout expired|Query read timeout|not queryable|database .* does not exist|Aborted\(\)|P1001|P1017/i;

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.code === "string") return record.code;
  const cause = record.cause;
  if (cause && typeof cause === "object") return codeOf(cause);
  return undefined;
}

/**
 * Every code and adapter kind on the error and its causes: Prisma nests the driver
 * adapter's error under `meta.driverAdapterError` (a failed raw query is a generic P2010
 * whose adapter error says `ConnectionClosed`), and pg-pool nests pg's under `cause`.
 */
function hasConnectionCode(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const record = error as Record<string, unknown>;
  if (typeof record.code === "string" && CONNECTION_CODES.has(record.code)) return true;
  if (typeof record.originalCode === "string" && CONNECTION_CODES.has(record.originalCode))
    return true;
  if (typeof record.kind === "string" && CONNECTION_KINDS.has(record.kind)) return true;
  const meta = record.meta as { driverAdapterError?: unknown } | undefined;
  if (meta?.driverAdapterError && hasConnectionCode(meta.driverAdapterError, depth + 1))
    return true;
  return hasConnectionCode(record.cause, depth + 1);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.message} ${messageOf(error.cause)}`;
  return typeof error === "string" ? error : "";
}

/**
 * True when `error` means the database could not be reached or did not answer in time,
 * however it arrives: from pg, pg-pool, Prisma (with or without its driver adapter), the
 * embedded database, or the circuit breaker. Such errors are answered 503, and a write
 * that failed with one is retried rather than treated as bad data.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (hasConnectionCode(error)) return true;
  return CONNECTION_MESSAGE.test(messageOf(error));
}

/**
 * `error` as a DatabaseUnavailableError (with the original as its cause) when it means
 * the database cannot be reached, else `error` unchanged. For boundaries whose framework
 * only passes on what the error is (a page's error boundary reads its digest).
 */
export function asUnavailableError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isConnectionError(error)) return error;
  return new DatabaseUnavailableError("The database cannot be reached.", { cause: error });
}

export function describeDatabaseError(error: unknown, target: string): string {
  const message = messageOf(error);
  const code = codeOf(error);
  if (/Aborted\(\)/.test(message)) {
    return `The embedded database in ${target} cannot be opened (it was probably interrupted while being created). Stop Keyplane, delete that directory, and start again; a new empty database is created.`;
  }
  if (code === "3D000" || /database .* does not exist/i.test(message)) {
    return `The database named in DATABASE_URL does not exist on ${target}. Create it (createdb) or fix DATABASE_URL.`;
  }
  if (code === "28P01" || code === "28000") {
    return `PostgreSQL at ${target} refused the credentials in DATABASE_URL. Check the user and password.`;
  }
  if (code === "EACCES" || code === "EROFS" || /EACCES|EROFS|permission denied/i.test(message)) {
    return `Keyplane cannot write to ${target}. Make the directory writable or set KEYPLANE_DATA_DIR to one that is.`;
  }
  if (isConnectionError(error)) {
    return `Cannot reach PostgreSQL at ${target}. Start the database or fix DATABASE_URL (or unset it to use the embedded database).`;
  }
  return `The database at ${target} failed: ${message.trim() || String(error)}`;
}

/** The host and database of a connection URL, without the password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "the configured DATABASE_URL";
  }
}

/**
 * True for a unique-constraint violation, however it arrives: Prisma's P2002 on
 * PostgreSQL, or the driver adapter's error carrying PostgreSQL's 23505 (PGlite).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (code === "P2002" || code === "23505") return true;
  return (
    typeof cause === "object" && cause !== null && (cause as { code?: unknown }).code === "23505"
  );
}
