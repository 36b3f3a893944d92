export { type Db, db, describeDatabaseTarget, pgPool, setDbForTesting } from "./client";
export {
  DatabaseUnavailableError,
  describeDatabaseError,
  isConnectionError,
  isUniqueViolation,
} from "./errors";
