import "server-only";
import { assertCan, type TenantContext } from "@/lib/auth/context";
import { db } from "@/lib/db";
import type { DbClient } from "./detail";
import { type KeyListPage, toKeyRow } from "./dto";
import type { ListKeysQuery } from "./list-query";
import {
  buildListKeysPlan,
  countSql,
  type ListKeysPlan,
  type ListPart,
  type PageSource,
  pageSql,
  type RawKeyRow,
} from "./list-sql";

/**
 * How far the table reaches: pages beyond the first 10,000 matching keys are not served
 * (a filter or another sort order gets there faster), which bounds the OFFSET any
 * request can ask the database to walk.
 */
export const LIST_COUNT_CAP = 10_000;

/**
 * Totals are counted only as far as the table can use them: at least this many, and ten
 * pages past the one shown. Counting every match of a broad filter over 100k keys would
 * cost many times the page itself; past the cap the table says "1,000+" instead. Small
 * results (the usual case once a filter is set) are always counted exactly.
 */
const COUNT_FLOOR = 1_000;

function countCapFor(offset: number, pageSize: number): number {
  return Math.min(LIST_COUNT_CAP, Math.max(COUNT_FLOOR, offset + 10 * pageSize));
}

async function countRows(client: DbClient, plan: ListKeysPlan, part: ListPart | null, cap: number) {
  const [row] = await client.$queryRaw<{ count: number }[]>(countSql(plan, part, cap));
  return row?.count ?? 0;
}

/**
 * One page, reading the plan's parts in order. A part that runs out hands the rest of
 * the page to the next; when a whole part lies before the page, it is counted (up to the
 * offset) to know how far into the next part the page starts.
 */
async function fetchPage(
  client: DbClient,
  plan: ListKeysPlan,
  offset: number,
  limit: number,
  source: PageSource = "index",
) {
  const rows: RawKeyRow[] = [];
  let skip = offset;
  for (const [i, part] of plan.parts.entries()) {
    const found = await client.$queryRaw<RawKeyRow[]>(
      pageSql(plan, part, limit - rows.length, skip, source),
    );
    rows.push(...found);
    if (rows.length >= limit || i === plan.parts.length - 1) break;
    if (found.length > 0) skip = 0;
    else if (skip > 0) skip -= await countRows(client, plan, part, skip);
  }
  return rows;
}

// Whether this database has the trigram index on names (migration
// key_name_trigram_index; absent without pg_trgm, e.g. on PGlite). Asked once per client.
const trigramIndexes = new WeakMap<DbClient, Promise<boolean>>();

function hasNameTrigramIndex(client: DbClient): Promise<boolean> {
  let known = trigramIndexes.get(client);
  if (!known) {
    known = client.$queryRaw<
      { exists: boolean }[]
    >`SELECT to_regclass('"ApiKey_name_trgm_idx"') IS NOT NULL AS "exists"`.then(
      ([row]) => row?.exists === true,
    );
    known.catch(() => trigramIndexes.delete(client));
    trigramIndexes.set(client, known);
  }
  return known;
}

type Counted = { rows: RawKeyRow[]; total: number; totalIsCapped: boolean; page: number };

/**
 * A search by name with the trigram index: count first (a bitmap scan of that index, up to
 * the cap the table shows anyway). Up to the cap, read all the matches and sort them; the
 * total is exact. Past it, the matches are dense enough (over 1,000 of them) for the walk
 * along the sort index to fill a page quickly, and the total is shown as capped.
 */
async function listSearchByName(
  client: DbClient,
  plan: ListKeysPlan,
  requestedPage: number,
  pageSize: number,
): Promise<Counted> {
  const cap = countCapFor((requestedPage - 1) * pageSize, pageSize);
  const counted = await countRows(client, plan, null, cap + 1);
  if (counted > cap) {
    const rows = await fetchPage(client, plan, (requestedPage - 1) * pageSize, pageSize);
    return { rows, total: cap, totalIsCapped: true, page: requestedPage };
  }
  // Past the end (a stale link, or keys were revoked meanwhile): show the last page.
  const page = Math.max(1, Math.min(requestedPage, Math.ceil(counted / pageSize)));
  const rows =
    counted === 0 ? [] : await fetchPage(client, plan, (page - 1) * pageSize, pageSize, "matches");
  return { rows, total: counted, totalIsCapped: false, page };
}

function keyPrefixNeeded(query: ListKeysQuery): boolean {
  return query.q?.includes("_") ?? false;
}

export async function listKeys(ctx: TenantContext, query: ListKeysQuery): Promise<KeyListPage> {
  assertCan(ctx, "tenant:read");
  const client = db();
  const now = new Date();
  let keyPrefix = "";
  if (keyPrefixNeeded(query)) {
    const tenant = await client.tenant.findUnique({
      where: { id: ctx.tenantId },
      select: { keyPrefix: true },
    });
    keyPrefix = tenant?.keyPrefix ?? "";
  }
  const plan = buildListKeysPlan(ctx.tenantId, query, { now, keyPrefix });
  const { pageSize } = query;
  const page = Math.min(query.page, Math.ceil(LIST_COUNT_CAP / pageSize));
  const result =
    plan.searchesName && (await hasNameTrigramIndex(client))
      ? await listSearchByName(client, plan, page, pageSize)
      : await listInIndexOrder(client, plan, page, pageSize);
  return {
    rows: result.rows.map((row) => toKeyRow(row, now)),
    total: result.total,
    totalIsCapped: result.totalIsCapped,
    page: result.page,
    pageSize,
    pageCount: Math.max(1, Math.ceil(result.total / pageSize)),
  };
}

/** Every other state: the page first, then a count only when the page is full. */
async function listInIndexOrder(
  client: DbClient,
  plan: ListKeysPlan,
  requestedPage: number,
  pageSize: number,
): Promise<Counted> {
  let page = requestedPage;
  let rows = await fetchPage(client, plan, (page - 1) * pageSize, pageSize);
  let total: number;
  let totalIsCapped = false;
  if (rows.length > 0 && rows.length < pageSize) {
    // A short page is the last one, so the total needs no count.
    total = (page - 1) * pageSize + rows.length;
  } else if (rows.length === 0 && page === 1) {
    total = 0;
  } else {
    const cap = countCapFor((page - 1) * pageSize, pageSize);
    const counted = await countRows(client, plan, null, cap + 1);
    totalIsCapped = counted > cap;
    total = Math.min(counted, cap);
    if (rows.length === 0 && total > 0) {
      // Past the end (a stale link, or keys were revoked meanwhile): show the last page.
      page = Math.ceil(total / pageSize);
      rows = await fetchPage(client, plan, (page - 1) * pageSize, pageSize);
    } else if (rows.length === 0) {
      page = 1;
    }
  }
  return { rows, total, totalIsCapped, page };
}
