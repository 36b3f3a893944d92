export type SeedUsageOptions = {
  slug: string;
  keys: number;
  events: number;
  days: number;
  replace: boolean;
};
export type SeedDb = {
  query(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount?: number | null }>;
};
export function options(argv?: string[]): SeedUsageOptions;
export function seedUsage(
  db: SeedDb,
  opts: SeedUsageOptions,
): Promise<{ tenantId: string; events: number; ms: number }>;
