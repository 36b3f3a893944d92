// Turns the ways a database connection fails into one sentence that says what to do.
// Used by the start script, the migrate script and the app's error pages.

export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ECONNRESET",
  "57P01",
  "57P03",
  "3D000",
  "28P01",
  "28000",
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.code === "string") return record.code;
  const cause = record.cause;
  if (cause && typeof cause === "object") return codeOf(cause);
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.message} ${messageOf(error.cause)}`;
  return typeof error === "string" ? error : "";
}

export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = codeOf(error);
  if (code && CONNECTION_CODES.has(code)) return true;
  const message = messageOf(error);
  return /ECONNREFUSED|Can't reach database|Connection terminated|connect ETIMEDOUT|database .* does not exist|Aborted\(\)|P1001|P1017/i.test(
    message,
  );
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
