export {
  type Db,
  databaseOutageSince,
  db,
  describeDatabaseTarget,
  LOOKUP_DEADLINE_MS,
  mayServeStale,
  onDatabaseRecovered,
  outageStaleMs,
  pgPool,
  setDbForTesting,
  withDeadline,
} from "./client";
export {
  asUnavailableError,
  DATABASE_UNAVAILABLE_DIGEST,
  DatabaseUnavailableError,
  describeDatabaseError,
  isConnectionError,
  isUniqueViolation,
} from "./errors";
