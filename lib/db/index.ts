export { type Db, db, describeDatabaseTarget, setDbForTesting } from "./client";
export {
  DatabaseUnavailableError,
  describeDatabaseError,
  isConnectionError,
  isUniqueViolation,
} from "./errors";
