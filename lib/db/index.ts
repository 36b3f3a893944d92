export { db, type Db, describeDatabaseTarget, setDbForTesting } from "./client";
export { DatabaseUnavailableError, describeDatabaseError, isConnectionError } from "./errors";
