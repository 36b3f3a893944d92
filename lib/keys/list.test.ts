import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { TenantContext } from "@/lib/auth/context";
import { ForbiddenError } from "@/lib/auth/errors";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { setupTestDatabase } from "@/lib/testing/database";
import { createKey, listKeys } from "./data";
import { startOfUtcMonth } from "./expiry";
import { createKeySchema, parseListKeysQuery } from "./schemas";
import { createOrg, daysFromNow, type Org, parseOrFail } from "./test-support";

setupTestDatabase();

type KeyFields = Omit<Prisma.ApiKeyCreateManyInput, "tenantId" | "hash" | "start" | "last4"> & {
  start?: string;
  last4?: string;
};

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function randomChars(n: number): string {
  return Array.from(randomBytes(n), (b) => BASE62.charAt(b % 62)).join("");
}

/** Inserts keys straight into the table, so each test controls every column. */
async function insertKeys(tenantId: string, rows: KeyFields[]): Promise<string[]> {
  const base = Date.now() - 2 * 24 * 3600 * 1000;
  const data = rows.map((row, i) => ({
    tenantId,
    hash: randomBytes(32).toString("hex"),
    // Generated starts begin with "r", so they never match the searches for "kp_Zq…".
    start: `kp_r${randomChars(3)}`,
    last4: randomChars(4),
    createdAt: new Date(base + i * 60_000),
    ...row,
  }));
  await db().apiKey.createMany({ data });
  const created = await db().apiKey.findMany({
    where: { tenantId, hash: { in: data.map((d) => d.hash) } },
    select: { id: true, hash: true },
  });
  const idByHash = new Map(created.map((c) => [c.hash, c.id]));
  return data.map((d) => idByHash.get(d.hash) ?? "");
}

async function names(ctx: TenantContext, params: Record<string, string>): Promise<string[]> {
  const page = await listKeys(ctx, parseListKeysQuery(params));
  return page.rows.map((r) => r.name);
}

/** Reads every page and returns the names in order. */
async function allPages(ctx: TenantContext, params: Record<string, string>): Promise<string[]> {
  const out: string[] = [];
  for (let page = 1; page < 50; page++) {
    const result = await listKeys(ctx, parseListKeysQuery({ ...params, page: String(page) }));
    out.push(...result.rows.map((r) => r.name));
    if (page >= result.pageCount) break;
  }
  return out;
}

describe("listKeys: paging and sorting", () => {
  let org: Org;
  beforeAll(async () => {
    org = await createOrg();
    await insertKeys(
      org.tenant.id,
      Array.from({ length: 25 }, (_, i) => ({
        name: `key-${String(i).padStart(2, "0")}`,
        // 13 keys used (more recently for higher i), 12 never used.
        lastUsedAt: i % 2 === 0 ? daysFromNow(-30 + i) : null,
        // Every third key never expires; the rest expire further out for higher i.
        expiresAt: i % 3 === 0 ? null : daysFromNow(10 + i),
      })),
    );
  });

  it("pages newest first by default, with exact totals", async () => {
    const first = await listKeys(org.viewer.ctx, parseListKeysQuery({ pageSize: "10" }));
    expect(first).toMatchObject({
      total: 25,
      totalIsCapped: false,
      page: 1,
      pageSize: 10,
      pageCount: 3,
    });
    expect(first.rows.map((r) => r.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `key-${24 - i}`),
    );
    const last = await listKeys(org.viewer.ctx, parseListKeysQuery({ pageSize: "10", page: "3" }));
    expect(last.rows.map((r) => r.name)).toEqual([
      "key-04",
      "key-03",
      "key-02",
      "key-01",
      "key-00",
    ]);
    expect(last.total).toBe(25);
    // A page past the end shows the last page instead of nothing.
    const beyond = await listKeys(
      org.viewer.ctx,
      parseListKeysQuery({ pageSize: "10", page: "9" }),
    );
    expect(beyond.page).toBe(3);
    expect(beyond.rows).toHaveLength(5);
  });

  it("sorts by name both ways", async () => {
    const asc = await allPages(org.viewer.ctx, { sort: "name", dir: "asc", pageSize: "10" });
    expect(asc).toEqual(Array.from({ length: 25 }, (_, i) => `key-${String(i).padStart(2, "0")}`));
    const desc = await names(org.viewer.ctx, { sort: "name", dir: "desc", pageSize: "10" });
    expect(desc[0]).toBe("key-24");
  });

  it("sorts by last use with never-used keys as the oldest, across page boundaries", async () => {
    const used = Array.from({ length: 25 }, (_, i) => i).filter((i) => i % 2 === 0);
    const never = Array.from({ length: 25 }, (_, i) => i).filter((i) => i % 2 === 1);
    const name = (i: number) => `key-${String(i).padStart(2, "0")}`;
    const desc = await allPages(org.viewer.ctx, {
      sort: "lastUsedAt",
      dir: "desc",
      pageSize: "10",
    });
    expect(desc).toEqual([...[...used].reverse(), ...[...never].reverse()].map(name));
    const asc = await allPages(org.viewer.ctx, { sort: "lastUsedAt", dir: "asc", pageSize: "10" });
    expect(asc).toEqual([...never, ...used].map(name));
    // Page 3 starts inside the second part; the first part is counted to find where.
    const page3 = await names(org.viewer.ctx, {
      sort: "lastUsedAt",
      dir: "asc",
      pageSize: "10",
      page: "3",
    });
    expect(page3).toEqual([...never, ...used].slice(20).map(name));
  });

  it("sorts by expiry with never-expiring keys as the latest", async () => {
    const all = Array.from({ length: 25 }, (_, i) => i);
    const never = all.filter((i) => i % 3 === 0);
    const dated = all.filter((i) => i % 3 !== 0);
    const name = (i: number) => `key-${String(i).padStart(2, "0")}`;
    const asc = await allPages(org.viewer.ctx, { sort: "expiresAt", dir: "asc", pageSize: "10" });
    expect(asc).toEqual([...dated, ...never].map(name));
    const desc = await allPages(org.viewer.ctx, { sort: "expiresAt", dir: "desc", pageSize: "10" });
    expect(desc).toEqual([...[...never].reverse(), ...[...dated].reverse()].map(name));
  });

  it("is readable by viewers and empty for another tenant", async () => {
    const other = await createOrg();
    const page = await listKeys(other.viewer.ctx, parseListKeysQuery({}));
    expect(page).toMatchObject({ rows: [], total: 0, page: 1, pageCount: 1 });
    const stranger = { ...org.viewer.ctx, role: "VIEWER" as const, tenantId: other.tenant.id };
    expect(await names(stranger, {})).toEqual([]);
    await expect(
      listKeys({ ...org.viewer.ctx, role: "NOBODY" as never }, parseListKeysQuery({})),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("listKeys: filters and search", () => {
  let org: Org;
  beforeAll(async () => {
    org = await createOrg();
    const monthStart = startOfUtcMonth(new Date());
    const spec: KeyFields[] = [
      {
        name: "active-plain",
        tags: ["prod"],
        scopes: ["orders:read"],
        lastUsedAt: daysFromNow(-1),
      },
      { name: "expired", expiresAt: daysFromNow(-1), tags: ["prod", "ci"] },
      { name: "expiring-soon", expiresAt: daysFromNow(3), scopes: ["orders:*"] },
      { name: "expiring-later", expiresAt: daysFromNow(60), scopes: ["*"] },
      { name: "suspended", status: "SUSPENDED", scopes: ["users:read"] },
      { name: "revoked", status: "REVOKED", revokedAt: daysFromNow(-2) },
      {
        name: "over-budget",
        budgetCents: 1000,
        budgetPeriod: "TOTAL",
        budgetSpentCents: 850,
        createdAt: daysFromNow(-100),
      },
      { name: "under-budget", budgetCents: 1000, budgetPeriod: "TOTAL", budgetSpentCents: 100 },
      {
        name: "stale-month",
        budgetCents: 1000,
        budgetPeriod: "MONTHLY",
        budgetSpentCents: 990,
        budgetPeriodStart: new Date(monthStart.getTime() - 86_400_000),
      },
      { name: "zero-budget", budgetCents: 0, budgetPeriod: "TOTAL", budgetSpentCents: 0 },
      { name: "Billing Worker 100%", createdAt: daysFromNow(-90), lastUsedAt: daysFromNow(-45) },
      { name: "old-prefix", start: "legacy_AbCd", last4: "WXYZ" },
      { name: "findable", start: "kp_Zq9X", last4: "Lm3N", tags: ["kp_zq9x"] },
    ];
    await insertKeys(org.tenant.id, spec);
    const other = await createOrg();
    await insertKeys(other.tenant.id, [
      { name: "foreign", tags: ["prod"], start: "kp_Zq9X", last4: "Lm3N" },
    ]);
  });

  const find = (params: Record<string, string>) =>
    names(org.admin.ctx, { ...params, sort: "name", dir: "asc" });

  it("filters by status, deriving EXPIRED", async () => {
    expect(await find({ status: "EXPIRED" })).toEqual(["expired"]);
    expect(await find({ status: "SUSPENDED" })).toEqual(["suspended"]);
    expect(await find({ status: "REVOKED" })).toEqual(["revoked"]);
    const active = await find({ status: "ACTIVE" });
    expect(active).toContain("expiring-soon");
    expect(active).not.toContain("expired");
    expect(active).not.toContain("suspended");
    const [row] = (await listKeys(org.admin.ctx, parseListKeysQuery({ status: "EXPIRED" }))).rows;
    expect(row).toMatchObject({ status: "EXPIRED", name: "expired", tags: ["prod", "ci"] });
  });

  it("filters by tag, scope (including wildcard holders) and expiry window", async () => {
    expect(await find({ tag: "prod" })).toEqual(["active-plain", "expired"]);
    expect(await find({ scope: "orders:read" })).toEqual([
      "active-plain",
      "expiring-later",
      "expiring-soon",
    ]);
    expect(await find({ scope: "users:read" })).toEqual(["expiring-later", "suspended"]);
    expect(await find({ expiringWithinDays: "7" })).toEqual(["expiring-soon"]);
  });

  it("finds keys over 80% of their budget in the current period", async () => {
    expect(await find({ overBudget80: "1" })).toEqual(["over-budget", "zero-budget"]);
    const rows = (await listKeys(org.admin.ctx, parseListKeysQuery({ q: "stale-month" }))).rows;
    expect(rows[0]?.budget).toEqual({ limitCents: 1000, spentCents: 0, period: "MONTHLY" });
  });

  it("sorts by budget use, keys without a budget last", async () => {
    const byUse = await names(org.admin.ctx, { sort: "budget", dir: "desc", pageSize: "10" });
    expect(byUse.slice(0, 4)).toEqual([
      "zero-budget",
      "over-budget",
      "under-budget",
      "stale-month",
    ]);
  });

  it("finds keys unused for N days", async () => {
    const unused = await find({ unusedForDays: "30" });
    expect(unused).toEqual(["Billing Worker 100%", "over-budget"]);
  });

  it("searches start, display form, name and tag", async () => {
    expect(await find({ q: "kp_Zq9X" })).toEqual(["findable"]);
    expect(await find({ q: "kp_Zq9X…Lm3N" })).toEqual(["findable"]);
    expect(await find({ q: "kp_Zq9X...Lm3N" })).toEqual(["findable"]);
    expect(await find({ q: "kp_Zq9X…AAAA" })).toEqual([]);
    expect(await find({ q: "kp_Zq" })).toEqual(["findable"]);
    expect(await find({ q: "kp_Zq9" })).toEqual(["findable"]);
    expect(await find({ q: "legacy_Ab" })).toEqual(["old-prefix"]);
    expect(await find({ q: "legacy_AbCd" })).toEqual(["old-prefix"]);
    expect(await find({ q: "billing worker" })).toEqual(["Billing Worker 100%"]);
    expect(await find({ q: "100%" })).toEqual(["Billing Worker 100%"]);
    expect(await find({ q: "0%" })).toEqual(["Billing Worker 100%"]);
    expect(await find({ q: "CI" })).toEqual(["expired"]);
    expect(await find({ q: "nothing-matches" })).toEqual([]);
    // A whole key pasted into the search box finds the key by its display parts.
    const { plaintext } = await createKey(
      org.admin.ctx,
      parseOrFail(createKeySchema, { name: "pasted" }),
    );
    expect(await find({ q: plaintext })).toEqual(["pasted"]);
  });
});
