export type MigrationExecutor = {
  query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
  exec: (sql: string) => Promise<unknown>;
};
export declare const MIGRATIONS_DIR: string;
export declare function listMigrations(
  dir?: string,
): { name: string; sql: string; checksum: string }[];
export declare function applyMigrations(
  database: MigrationExecutor,
  dir?: string,
): Promise<{ applied: string[]; total: number }>;
export declare function pgExecutor(client: {
  query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
}): MigrationExecutor;
export declare function pgliteExecutor(database: {
  query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;
  exec: (sql: string) => Promise<unknown>;
}): MigrationExecutor;
