import { db } from "@/lib/db";

// One query that sums up everything a tenant has, for the property-based tests: equal
// before and after a refused call proves the call wrote nothing. An md5 of each table's
// rows rather than the rows themselves, because it runs twice per generated case.

const TABLES = [
  "Tenant",
  "Membership",
  "Invitation",
  "ScopeDefinition",
  "ApiKey",
  "RetiredSecret",
  "RootKey",
  "AuditEvent",
  "UsageEvent",
] as const;

export async function tenantFingerprint(tenantId: string): Promise<string> {
  const parts = TABLES.map((table) => {
    const column = table === "Tenant" ? "id" : "tenantId";
    return `(SELECT count(*) || ':' || coalesce(md5(string_agg(row_to_json(t)::text, '|' ORDER BY t."id")), '') FROM "${table}" t WHERE t."${column}" = $1) AS "${table}"`;
  });
  const rows = await db().$queryRawUnsafe<Record<string, string>[]>(
    `SELECT ${parts.join(", ")}`,
    tenantId,
  );
  return JSON.stringify(rows[0] ?? {});
}
