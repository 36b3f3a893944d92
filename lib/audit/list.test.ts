import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import {
  addMember,
  createTenantWithOwner,
  type TestMember,
  type TestTenant,
} from "@/lib/testing/fixtures";
import { AUDIT_PAGE_SIZE, listAuditActions, listAuditEvents } from "./list";
import { auditSearchParams, parseAuditSearchParams } from "./schemas";

setupTestDatabase();

type EventInput = {
  action?: string;
  actorId?: string | null;
  actorLabel?: string;
  actorType?: "USER" | "ROOT_KEY";
  targetType?: string;
  targetId?: string | null;
  createdAt?: Date;
};

async function addEvent(tenant: TestTenant, input: EventInput = {}) {
  return db().auditEvent.create({
    data: {
      tenantId: tenant.id,
      actorType: input.actorType ?? "USER",
      actorId: input.actorId === undefined ? "user_1" : input.actorId,
      actorLabel: input.actorLabel ?? "alice@example.test",
      action: input.action ?? "key.created",
      targetType: input.targetType ?? "key",
      targetId: input.targetId === undefined ? "key_1" : input.targetId,
      after: { name: "Billing" },
      createdAt: input.createdAt ?? new Date("2026-03-10T12:00:00Z"),
    },
    select: { id: true },
  });
}

function ids(result: { rows: { id: string }[] }): string[] {
  return result.rows.map((row) => row.id);
}

describe("listAuditEvents filters", () => {
  let tenant: TestTenant;
  let owner: TestMember;
  let other: TestTenant;
  const e: Record<string, string> = {};

  beforeAll(async () => {
    ({ tenant, owner } = await createTenantWithOwner());
    ({ tenant: other } = await createTenantWithOwner());
    e.aliceCreated = (
      await addEvent(tenant, {
        actorId: "user_alice",
        actorLabel: "Alice@Example.test",
        action: "key.created",
        targetId: "key_a",
        createdAt: new Date("2026-03-01T00:00:00Z"),
      })
    ).id;
    e.aliceRevoked = (
      await addEvent(tenant, {
        actorId: "user_alice",
        actorLabel: "alice@example.test",
        action: "key.revoked",
        targetId: "key_a",
        createdAt: new Date("2026-03-05T23:59:59.999Z"),
      })
    ).id;
    e.bobScope = (
      await addEvent(tenant, {
        actorId: "user_bob",
        actorLabel: "bob_smith@example.test",
        action: "scope.added",
        targetType: "scope",
        targetId: "scope_1",
        createdAt: new Date("2026-03-06T00:00:00Z"),
      })
    ).id;
    e.rootKey = (
      await addEvent(tenant, {
        actorType: "ROOT_KEY",
        actorId: "rk_ci",
        actorLabel: "CI deploys",
        action: "key.created",
        targetId: "key_b",
        createdAt: new Date("2026-03-10T08:00:00Z"),
      })
    ).id;
    // The other tenant has events that match every filter used below.
    for (const [action, targetId, actorLabel, actorId] of [
      ["key.created", "key_a", "alice@example.test", "user_alice"],
      ["key.revoked", "key_a", "Alice@Example.test", "user_alice"],
      ["scope.added", "scope_1", "bob_smith@example.test", "user_bob"],
      ["tenant.only_other", "key_b", "CI deploys", "rk_ci"],
    ] as const) {
      await addEvent(other, {
        action,
        targetId,
        actorLabel,
        actorId,
        createdAt: new Date("2026-03-05T12:00:00Z"),
      });
    }
  });

  it("lists the tenant's events newest first", async () => {
    const result = await listAuditEvents(owner.ctx, { page: 1 });
    expect(ids(result)).toEqual([e.rootKey, e.bobScope, e.aliceRevoked, e.aliceCreated]);
    expect(result.hasMore).toBe(false);
    expect(result.rows[0]).toMatchObject({
      actorType: "ROOT_KEY",
      actorId: "rk_ci",
      actorLabel: "CI deploys",
      action: "key.created",
      targetType: "key",
      targetId: "key_b",
      after: { name: "Billing" },
    });
  });

  it("filters by part of the actor's label, in any case", async () => {
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "ALICE" }))).toEqual([
      e.aliceRevoked,
      e.aliceCreated,
    ]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "ci dep" }))).toEqual([
      e.rootKey,
    ]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "carol" }))).toEqual([]);
  });

  it("filters by an exact actor id", async () => {
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "user_bob" }))).toEqual([
      e.bobScope,
    ]);
    // A part of an id is not an id.
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "user_bo" }))).toEqual([]);
  });

  it("treats LIKE wildcards in the actor filter as plain characters", async () => {
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "b_s" }))).toEqual([e.bobScope]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "_" }))).toEqual([e.bobScope]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "%" }))).toEqual([]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, actor: "\\" }))).toEqual([]);
  });

  it("filters by the exact action", async () => {
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, action: "key.created" }))).toEqual([
      e.rootKey,
      e.aliceCreated,
    ]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, action: "key." }))).toEqual([]);
  });

  it("filters by the exact target id", async () => {
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, target: "key_a" }))).toEqual([
      e.aliceRevoked,
      e.aliceCreated,
    ]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, target: "key_" }))).toEqual([]);
  });

  it("filters by days, both bounds inclusive, in UTC", async () => {
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, from: "2026-03-05" }))).toEqual([
      e.rootKey,
      e.bobScope,
      e.aliceRevoked,
    ]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, to: "2026-03-05" }))).toEqual([
      e.aliceRevoked,
      e.aliceCreated,
    ]);
    expect(
      ids(await listAuditEvents(owner.ctx, { page: 1, from: "2026-03-06", to: "2026-03-06" })),
    ).toEqual([e.bobScope]);
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, from: "2026-03-11" }))).toEqual([]);
  });

  it("combines filters", async () => {
    expect(
      ids(
        await listAuditEvents(owner.ctx, {
          page: 1,
          actor: "alice",
          action: "key.created",
          target: "key_a",
          from: "2026-03-01",
          to: "2026-03-01",
        }),
      ),
    ).toEqual([e.aliceCreated]);
    expect(
      ids(await listAuditEvents(owner.ctx, { page: 1, actor: "alice", action: "scope.added" })),
    ).toEqual([]);
  });

  it("never returns another tenant's events, whatever the filters", async () => {
    const filters = [
      {},
      { actor: "alice" },
      { actor: "user_alice" },
      { actor: "ci" },
      { action: "tenant.only_other" },
      { action: "key.revoked" },
      { target: "key_b" },
      { from: "2026-03-05", to: "2026-03-05" },
    ];
    const mine = new Set(Object.values(e));
    for (const filter of filters) {
      for (const page of [1, 2]) {
        const result = await listAuditEvents(owner.ctx, { page, ...filter });
        for (const id of ids(result)) expect(mine.has(id)).toBe(true);
      }
    }
    expect(ids(await listAuditEvents(owner.ctx, { page: 1, action: "tenant.only_other" }))).toEqual(
      [],
    );
  });

  it("lets every role read, viewers included", async () => {
    const viewer = await addMember(tenant, "VIEWER");
    const admin = await addMember(tenant, "ADMIN");
    const expected = ids(await listAuditEvents(owner.ctx, { page: 1, actor: "alice" }));
    expect(ids(await listAuditEvents(viewer.ctx, { page: 1, actor: "alice" }))).toEqual(expected);
    expect(ids(await listAuditEvents(admin.ctx, { page: 1, actor: "alice" }))).toEqual(expected);
    expect(await listAuditActions(viewer.ctx)).toEqual(await listAuditActions(owner.ctx));
  });
});

describe("listAuditEvents pagination", () => {
  it("pages by 50, newest first, and says whether there is more", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const start = Date.UTC(2026, 0, 1);
    const total = AUDIT_PAGE_SIZE * 2 + 7;
    await db().auditEvent.createMany({
      data: Array.from({ length: total }, (_, i) => ({
        tenantId: tenant.id,
        actorType: "USER" as const,
        actorId: "user_1",
        actorLabel: "pager@example.test",
        action: i % 2 === 0 ? "key.updated" : "key.created",
        targetType: "key",
        targetId: `key_${i}`,
        createdAt: new Date(start + i * 60_000),
      })),
    });
    const first = await listAuditEvents(owner.ctx, { page: 1 });
    const second = await listAuditEvents(owner.ctx, { page: 2 });
    const third = await listAuditEvents(owner.ctx, { page: 3 });
    expect(first.rows).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(second.rows).toHaveLength(AUDIT_PAGE_SIZE);
    expect(second.hasMore).toBe(true);
    expect(third.rows).toHaveLength(7);
    expect(third.hasMore).toBe(false);
    expect(first.rows[0]?.targetId).toBe(`key_${total - 1}`);
    expect(third.rows.at(-1)?.targetId).toBe("key_0");
    const all = [...ids(first), ...ids(second), ...ids(third)];
    expect(new Set(all).size).toBe(total);

    // Filters and pages combine: 54 updates, so a second page of 4.
    const updates = await listAuditEvents(owner.ctx, { page: 2, action: "key.updated" });
    expect(updates.rows).toHaveLength(Math.ceil(total / 2) - AUDIT_PAGE_SIZE);
    expect(updates.hasMore).toBe(false);
    expect(updates.rows.every((row) => row.action === "key.updated")).toBe(true);

    expect((await listAuditEvents(owner.ctx, { page: 99 })).rows).toEqual([]);
    // Out-of-range pages from a caller that skipped the schema are clamped, not a crash.
    expect(ids(await listAuditEvents(owner.ctx, { page: 0 }))).toEqual(ids(first));
    expect(ids(await listAuditEvents(owner.ctx, { page: Number.NaN }))).toEqual(ids(first));
  });
});

describe("listAuditActions", () => {
  it("lists the tenant's distinct actions, sorted, and nothing from other tenants", async () => {
    const { tenant, owner } = await createTenantWithOwner();
    const { tenant: other } = await createTenantWithOwner();
    await addEvent(tenant, { action: "scope.added" });
    await addEvent(tenant, { action: "key.created" });
    await addEvent(tenant, { action: "key.created" });
    await addEvent(other, { action: "member.removed" });
    expect(await listAuditActions(owner.ctx)).toEqual(["key.created", "scope.added"]);
  });
});

describe("parseAuditSearchParams", () => {
  it("gives the defaults for an empty URL", () => {
    expect(parseAuditSearchParams({})).toEqual({ query: { page: 1 }, ignored: [] });
  });

  it("reads every filter", () => {
    const { query, ignored } = parseAuditSearchParams({
      page: "3",
      actor: " alice ",
      action: "key.revoked",
      target: "cm1abc_DEF-2",
      from: "2026-03-01",
      to: "2026-03-31",
    });
    expect(ignored).toEqual([]);
    expect(query).toEqual({
      page: 3,
      actor: "alice",
      action: "key.revoked",
      target: "cm1abc_DEF-2",
      from: "2026-03-01",
      to: "2026-03-31",
    });
  });

  it("treats empty fields from the GET form as absent, without a notice", () => {
    expect(
      parseAuditSearchParams({ actor: "", action: " ", target: "", from: "", to: "", page: "" }),
    ).toEqual({ query: { page: 1 }, ignored: [] });
  });

  it("drops each bad value on its own and names it", () => {
    const { query, ignored } = parseAuditSearchParams({
      page: "-2",
      actor: "a".repeat(201),
      action: "key revoked; drop table",
      target: "../../etc",
      from: "2026-02-30",
      to: "yesterday",
    });
    expect(query).toEqual({ page: 1 });
    expect(ignored.sort()).toEqual(["action", "actor", "from", "page", "target", "to"]);

    // A NUL would make PostgreSQL fail the whole query.
    expect(parseAuditSearchParams({ actor: "al\u0000ice" })).toEqual({
      query: { page: 1 },
      ignored: ["actor"],
    });

    const partly = parseAuditSearchParams({ page: "1.5", action: "key.created" });
    expect(partly).toEqual({ query: { page: 1, action: "key.created" }, ignored: ["page"] });
    expect(parseAuditSearchParams({ page: "1000001" }).ignored).toEqual(["page"]);
  });

  it("drops an end date before the start date", () => {
    expect(parseAuditSearchParams({ from: "2026-03-10", to: "2026-03-01" })).toEqual({
      query: { page: 1, from: "2026-03-10" },
      ignored: ["to"],
    });
  });

  it("uses the first of repeated parameters", () => {
    expect(parseAuditSearchParams({ action: ["key.created", "key.revoked"] }).query).toEqual({
      page: 1,
      action: "key.created",
    });
  });

  it("writes the query back to URL parameters, dropping page 1", () => {
    const { query } = parseAuditSearchParams({ actor: "a b", action: "key.created", page: "2" });
    expect(auditSearchParams(query).toString()).toBe("actor=a+b&action=key.created&page=2");
    expect(auditSearchParams(query, 1).toString()).toBe("actor=a+b&action=key.created");
  });
});
