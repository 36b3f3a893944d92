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
  DatabaseUnavailableError,
  describeDatabaseError,
  isConnectionError,
  isUniqueViolation,
} from "./errors";
