import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { addDays, DAY_MS, startOfUtcMonth } from "./expiry";
import type { ListKeysQuery } from "./list-query";

// The SQL behind the keys table. Written as SQL (parameterised through Prisma.sql) rather
// than with findMany because it needs things Prisma's query builder cannot say: a
// computed budget ratio to sort by, array overlap for scopes, and control over how NULLs
// are ordered. Kept separate from listKeys so a test can EXPLAIN exactly these
// statements.
//
// How it stays fast with 100k keys in one tenant: every statement starts from an index
// on ("tenantId", <sort column>) and stops after one page (Index Scan + LIMIT), and
// every sort ends with "id" so pages are stable. Sort columns that can be NULL are read
// in two parts (the rows with a value, then the rows without, or the other way round),
// each from an index, instead of one ORDER BY … NULLS LAST that no index can serve.
// A search by name is the exception: no B-tree serves "name contains", and walking the
// sort index while filtering costs in proportion to how far apart the matches lie (the
// first 50 "checkout-12…" keys sat 15,000 rows deep in the newest-first index). Where the
// trigram index exists, listKeys counts the matches first (a bitmap scan of that index)
// and, when they are few, reads them all through it and sorts them (pageSql's "matches"
// source); many matches are dense enough for the index walk. Known limit: sorting by
// budget use is computed per row (no index can hold it).

export type ListPart = { where: Prisma.Sql | null; orderBy: Prisma.Sql };
export type ListKeysPlan = {
  where: Prisma.Sql;
  parts: ListPart[];
  /** The search compares the name (ILIKE), not only an indexed column such as "start". */
  searchesName: boolean;
};

export type RawKeyRow = {
  id: string;
  name: string;
  start: string;
  last4: string;
  status: "ACTIVE" | "SUSPENDED" | "REVOKED";
  scopes: string[];
  tags: string[];
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  budgetCents: number | null;
  budgetPeriod: "TOTAL" | "MONTHLY" | null;
  budgetSpentCents: number;
  budgetPeriodStart: Date | null;
  createdAt: Date;
};

const COLUMNS = Prisma.sql`"id", "name", "start", "last4", "status", "scopes", "tags",
  "lastUsedAt", "expiresAt", "budgetCents", "budgetPeriod", "budgetSpentCents",
  "budgetPeriodStart", "createdAt"`;

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

/** Spent in the current period: a MONTHLY counter from an earlier month counts as 0. */
function effectiveSpent(now: Date): Prisma.Sql {
  return Prisma.sql`(CASE WHEN "budgetPeriod" = 'MONTHLY' AND "budgetPeriodStart" < ${startOfUtcMonth(now)} THEN 0 ELSE "budgetSpentCents" END)`;
}

/** Every grant that covers `scope`: itself, `*`, and each enclosing `namespace:*`. */
export function grantsCovering(scope: string): string[] {
  if (scope === "*") return ["*"];
  const base = scope.endsWith(":*") ? scope.slice(0, -2) : scope;
  const segments = base.split(":");
  const grants = new Set([scope, "*"]);
  for (let i = 1; i < segments.length; i++) grants.add(`${segments.slice(0, i).join(":")}:*`);
  return [...grants];
}

const KEY_TAIL = /^[A-Za-z0-9]+$/;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * Search: a key's display form or start (contains `_`) matches `start`, anything else
 * matches the name (case-insensitive, anywhere) or a tag (exactly). When the text is the
 * tenant's prefix plus three or more characters of a start, it becomes equality on
 * ("tenantId", "start") and uses that index; shorter or foreign prefixes fall back to a
 * prefix match (LIKE cannot use the index under a non-C collation), which still finds
 * old keys issued under an earlier prefix.
 */
export function searchCondition(q: string, keyPrefix: string): Prisma.Sql {
  return search(q, keyPrefix).sql;
}

function search(q: string, keyPrefix: string): { sql: Prisma.Sql; byName: boolean } {
  const [head = "", tail] = q.split(/…|\.\.\./, 2);
  const last4 = tail?.trim();
  const last4Condition =
    last4 && /^[A-Za-z0-9]{4}$/.test(last4) ? Prisma.sql` AND "last4" = ${last4}` : Prisma.empty;
  const text = head.trim();
  const cut = text.lastIndexOf("_");
  const tag = Prisma.sql`"tags" @> ARRAY[${q.toLowerCase()}]::text[]`;
  const name = Prisma.sql`"name" ILIKE ${`%${escapeLike(q)}%`}`;
  if (cut < 0) return { sql: Prisma.sql`(${name} OR ${tag})`, byName: true };
  const prefix = text.slice(0, cut);
  const random = text.slice(cut + 1);
  if (prefix === keyPrefix && KEY_TAIL.test(random)) {
    if (random.length >= 4) {
      return {
        sql: Prisma.sql`("start" = ${`${prefix}_${random.slice(0, 4)}`}${last4Condition})`,
        byName: false,
      };
    }
    if (random.length === 3) {
      // One character short of a whole start: the 62 possible starts, looked up in the
      // index, beat a LIKE that has to read the whole tenant to find the one or two hits.
      const starts = [...BASE62].map((c) => `${prefix}_${random}${c}`);
      return {
        sql: Prisma.sql`("start" = ANY(${starts}::text[])${last4Condition})`,
        byName: false,
      };
    }
  }
  const start = Prisma.sql`("start" LIKE ${`${escapeLike(text)}%`}${last4Condition})`;
  return { sql: Prisma.sql`(${start} OR ${name} OR ${tag})`, byName: true };
}

function statusCondition(status: NonNullable<ListKeysQuery["status"]>, now: Date): Prisma.Sql {
  switch (status) {
    case "ACTIVE":
      return Prisma.sql`"status" = 'ACTIVE' AND ("expiresAt" IS NULL OR "expiresAt" > ${now})`;
    case "EXPIRED":
      return Prisma.sql`"status" = 'ACTIVE' AND "expiresAt" <= ${now}`;
    case "SUSPENDED":
      return Prisma.sql`"status" = 'SUSPENDED'`;
    case "REVOKED":
      return Prisma.sql`"status" = 'REVOKED'`;
  }
}

function sortParts(query: ListKeysQuery, now: Date): ListPart[] {
  const dir = Prisma.raw(query.dir === "asc" ? "ASC" : "DESC");
  switch (query.sort) {
    case "name":
      return [{ where: null, orderBy: Prisma.sql`"name" ${dir}, "id" ${dir}` }];
    case "createdAt":
      return [{ where: null, orderBy: Prisma.sql`"createdAt" ${dir}, "id" ${dir}` }];
    case "budget": {
      // Keys without a budget come last in both directions.
      const ratio = Prisma.sql`(CASE WHEN "budgetCents" IS NULL THEN NULL WHEN "budgetCents" = 0 THEN 1.0 ELSE ${effectiveSpent(now)}::float8 / "budgetCents" END)`;
      return [
        {
          where: null,
          orderBy: Prisma.sql`${ratio} ${dir} NULLS LAST, "createdAt" DESC, "id" DESC`,
        },
      ];
    }
    case "lastUsedAt":
    case "expiresAt": {
      const column = Prisma.raw(`"${query.sort}"`);
      const valued: ListPart = {
        where: Prisma.sql`${column} IS NOT NULL`,
        orderBy: Prisma.sql`${column} ${dir}, "id" ${dir}`,
      };
      const missing: ListPart = {
        where: Prisma.sql`${column} IS NULL`,
        orderBy: Prisma.sql`"createdAt" ${dir}, "id" ${dir}`,
      };
      // "Never used" is older than any use; "never expires" is later than any expiry.
      const missingFirst = query.sort === "lastUsedAt" ? query.dir === "asc" : query.dir === "desc";
      return missingFirst ? [missing, valued] : [valued, missing];
    }
  }
}

export function buildListKeysPlan(
  tenantId: string,
  query: ListKeysQuery,
  options: { now: Date; keyPrefix: string },
): ListKeysPlan {
  const { now } = options;
  const conditions: Prisma.Sql[] = [Prisma.sql`"tenantId" = ${tenantId}`];
  if (query.status) conditions.push(statusCondition(query.status, now));
  if (query.tag) conditions.push(Prisma.sql`"tags" @> ARRAY[${query.tag}]::text[]`);
  if (query.scope) conditions.push(Prisma.sql`"scopes" && ${grantsCovering(query.scope)}::text[]`);
  if (query.expiringWithinDays) {
    const until = addDays(now, query.expiringWithinDays);
    conditions.push(Prisma.sql`"expiresAt" > ${now} AND "expiresAt" <= ${until}`);
  }
  if (query.overBudget80) {
    // spent / limit >= 0.8, in integers (bigint: 5 × a 32-bit budget overflows int4).
    conditions.push(
      Prisma.sql`"budgetCents" IS NOT NULL AND ${effectiveSpent(now)}::bigint * 5 >= "budgetCents"::bigint * 4`,
    );
  }
  if (query.unusedForDays) {
    const cutoff = new Date(now.getTime() - query.unusedForDays * DAY_MS);
    conditions.push(
      Prisma.sql`"createdAt" <= ${cutoff} AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ${cutoff})`,
    );
  }
  const found = query.q ? search(query.q, options.keyPrefix) : undefined;
  if (found) conditions.push(found.sql);
  return {
    where: Prisma.join(conditions, " AND "),
    parts: sortParts(query, now),
    searchesName: found?.byName ?? false,
  };
}

function whereOf(plan: ListKeysPlan, part: ListPart | null): Prisma.Sql {
  return part?.where ? Prisma.sql`${plan.where} AND ${part.where}` : plan.where;
}

/**
 * Where a page is read from. "index": the table, in the order of an index on the sort
 * column, stopping after the page. "matches": every matching row first (through whatever
 * index finds them fastest; MATERIALIZED stops PostgreSQL from folding the ORDER BY into
 * that scan and walking the sort index instead), then sorted; for few matches only.
 */
export type PageSource = "index" | "matches";

export function pageSql(
  plan: ListKeysPlan,
  part: ListPart,
  limit: number,
  offset: number,
  source: PageSource = "index",
) {
  if (source === "matches") {
    const partWhere = part.where ? Prisma.sql`WHERE ${part.where}` : Prisma.empty;
    return Prisma.sql`WITH "matches" AS MATERIALIZED (
      SELECT ${COLUMNS} FROM "ApiKey" WHERE ${plan.where})
    SELECT ${COLUMNS} FROM "matches" ${partWhere}
    ORDER BY ${part.orderBy} LIMIT ${limit} OFFSET ${offset}`;
  }
  return Prisma.sql`SELECT ${COLUMNS} FROM "ApiKey" WHERE ${whereOf(plan, part)}
    ORDER BY ${part.orderBy} LIMIT ${limit} OFFSET ${offset}`;
}

/** Counts matching rows, but stops at `cap`: the cost is bounded whatever the filters. */
export function countSql(plan: ListKeysPlan, part: ListPart | null, cap: number) {
  return Prisma.sql`SELECT count(*)::int AS "count" FROM (
    SELECT 1 FROM "ApiKey" WHERE ${whereOf(plan, part)} LIMIT ${cap}) AS "capped"`;
}
