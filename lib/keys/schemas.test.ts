import { describe, expect, it } from "vitest";
import { parseExpiryInput } from "./expiry";
import {
  bulkSchema,
  createKeySchema,
  KEY_PRESETS,
  listKeysQuerySchema,
  listKeysQueryToSearchParams,
  parseListKeysQuery,
  presetValues,
  revokeKeySchema,
  rollKeySchema,
  toKeySearchText,
  updateKeySchema,
} from "./schemas";
import { daysFromNow, fieldErrorsOf, parseOrFail } from "./test-support";

function form(entries: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) {
    for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  }
  return data;
}

/** What payloadToObject in the action wrapper produces from FormData. */
function asPayload(data: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of data.entries()) {
    const text = String(value);
    if (key.endsWith("[]")) {
      const name = key.slice(0, -2);
      out[name] = [...((out[name] as string[] | undefined) ?? []), text];
    } else out[key] = text;
  }
  return out;
}

describe("createKeySchema", () => {
  it("accepts a full form as strings and normalises it", () => {
    const input = parseOrFail(
      createKeySchema,
      asPayload(
        form({
          name: "  Checkout service ",
          description: "Used by checkout",
          tags: "Prod, billing\nbilling",
          "scopes[]": ["orders:read", "orders:*"],
          expiresInDays: "30",
          rateLimitPerMinute: "60",
          rateLimitPerHour: "",
          budgetCents: "0",
          budgetPeriod: "MONTHLY",
          ipAllowlist: "10.0.0.0/8\n2001:db8::/32\n192.168.1.7",
          allowedEndpoints: "GET /v1/orders/*\n/v1/health",
          allowedResources: "gpt-4*",
          metadata: '{"team": "checkout", "tier": 2}',
        }),
      ),
    );
    expect(input).toMatchObject({
      name: "Checkout service",
      tags: ["prod", "billing"],
      scopes: ["orders:read", "orders:*"],
      expiresInDays: 30,
      rateLimitPerMinute: 60,
      rateLimitPerHour: null,
      budgetCents: 0,
      budgetPeriod: "MONTHLY",
      ipAllowlist: ["10.0.0.0/8", "2001:db8::/32", "192.168.1.7/32"],
      allowedEndpoints: ["GET /v1/orders/*", "/v1/health"],
      allowedResources: ["gpt-4*"],
      metadata: { team: "checkout", tier: 2 },
    });
    expect(input.expiresAt).toBeUndefined();
  });

  it("needs only a name; empty optional fields mean 'not set'", () => {
    const input = parseOrFail(createKeySchema, {
      name: "x",
      expiresAt: "",
      expiresInDays: "",
      budgetCents: "",
      budgetPeriod: "",
      metadata: "",
      tags: "",
    });
    expect(input).toMatchObject({ name: "x", budgetCents: null, metadata: null, tags: [] });
    expect(input.expiresAt).toBeUndefined();
    expect(input.expiresInDays).toBeUndefined();
  });

  it.each<[Record<string, string>, string, string]>([
    [{ name: "" }, "name", "Name the key."],
    [{ name: "   " }, "name", "Name the key."],
    [{ name: "x".repeat(101) }, "name", "Use at most 100 characters."],
    [{ description: "d".repeat(501) }, "description", "Use at most 500 characters."],
    [{ rateLimitPerMinute: "1.5" }, "rateLimitPerMinute", "Use a whole number above 0."],
    [{ rateLimitPerHour: "0" }, "rateLimitPerHour", "Use a whole number above 0."],
    [{ rateLimitPerDay: "-5" }, "rateLimitPerDay", "Use a whole number above 0."],
    [{ rateLimitPerDay: "lots" }, "rateLimitPerDay", "Use a whole number above 0."],
    [{ rateLimitPerDay: "1000000001" }, "rateLimitPerDay", "Use at most 1,000,000,000."],
    [{ budgetCents: "-1", budgetPeriod: "TOTAL" }, "budgetCents", "Use a whole number of cents"],
    [{ budgetCents: "9.99", budgetPeriod: "TOTAL" }, "budgetCents", "Use a whole number of cents"],
    [{ budgetCents: "500" }, "budgetPeriod", "Choose whether the budget is a total or per month."],
    [{ budgetCents: "500", budgetPeriod: "WEEKLY" }, "budgetPeriod", "Choose a total budget"],
    [{ ipAllowlist: "10.0.0.0/8\n10.0.0.5/24" }, "ipAllowlist", '"10.0.0.5/24": Host bits are set'],
    [{ ipAllowlist: "not-an-ip" }, "ipAllowlist", '"not-an-ip"'],
    [{ ipAllowlist: "::1/129" }, "ipAllowlist", "Prefix length"],
    [{ allowedEndpoints: "/v1/**/x" }, "allowedEndpoints", '"/v1/**/x": "**" is only allowed'],
    [{ allowedEndpoints: "orders" }, "allowedEndpoints", 'must start with "/"'],
    [{ allowedResources: "gpt*4" }, "allowedResources", '"gpt*4"'],
    [{ tags: "Good, bad tag" }, "tags", 'Tag "bad tag"'],
    [{ scopes: "Orders:Read" }, "scopes", 'Scope "Orders:Read" is not a valid scope name'],
    [{ metadata: "{not json" }, "metadata", "Metadata must be valid JSON."],
    [{ metadata: "[1, 2]" }, "metadata", "Metadata must be a JSON object"],
    [{ metadata: '"text"' }, "metadata", "Metadata must be a JSON object"],
    [
      { metadata: JSON.stringify({ blob: "x".repeat(4100) }) },
      "metadata",
      "Metadata must be at most 4 KB.",
    ],
    [{ metadata: `${" ".repeat(20_000)}{}` }, "metadata", "Metadata must be at most 4 KB."],
    [{ expiresAt: "2020-01-01" }, "expiresAt", "Choose a date in the future."],
    [{ expiresAt: "2030-02-31" }, "expiresAt", "Enter a date such as 2026-12-31."],
    [{ expiresAt: "tomorrow" }, "expiresAt", "Enter a date such as 2026-12-31."],
    [{ expiresInDays: "0" }, "expiresInDays", "Use a whole number of days above 0."],
    [{ expiresInDays: "2.5" }, "expiresInDays", "Use a whole number of days above 0."],
    [
      { expiresInDays: "3", expiresAt: daysFromNow(5).toISOString() },
      "expiresInDays",
      "Choose a date or a number of days, not both.",
    ],
  ])("rejects bad input %# on %s", (fields, field, message) => {
    const errors = fieldErrorsOf(createKeySchema, { name: "key", ...fields });
    expect(Object.keys(errors)).toContain(field);
    expect(errors[field]?.join(" ")).toContain(message);
  });

  it("limits list lengths", () => {
    const tags = Array.from({ length: 21 }, (_, i) => `t${i}`).join(",");
    expect(fieldErrorsOf(createKeySchema, { name: "k", tags }).tags).toEqual([
      "Use at most 20 tags.",
    ]);
    const ips = Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`);
    expect(fieldErrorsOf(createKeySchema, { name: "k", ipAllowlist: ips }).ipAllowlist).toEqual([
      "Use at most 100 IP ranges.",
    ]);
  });

  it("accepts 4 KB of metadata exactly", () => {
    const filler = "x".repeat(4096 - JSON.stringify({ a: "" }).length);
    const input = parseOrFail(createKeySchema, {
      name: "k",
      metadata: JSON.stringify({ a: filler }),
    });
    expect(JSON.stringify(input.metadata)).toHaveLength(4096);
  });
});

describe("expiry input", () => {
  it("reads a bare date as the end of that UTC day and honours offsets", () => {
    expect(parseExpiryInput("2031-03-31")?.toISOString()).toBe("2031-03-31T23:59:59.999Z");
    expect(parseExpiryInput("2031-03-31T10:00")?.toISOString()).toBe("2031-03-31T10:00:00.000Z");
    expect(parseExpiryInput("2031-03-31T10:00:00+02:00")?.toISOString()).toBe(
      "2031-03-31T08:00:00.000Z",
    );
    expect(parseExpiryInput("2031-13-01")).toBeNull();
    expect(parseExpiryInput("2031-03-31T24:00")).toBeNull();
  });
});

describe("updateKeySchema", () => {
  it("leaves absent fields undefined and turns empty ones into 'clear'", () => {
    const input = parseOrFail(updateKeySchema, {
      keyId: "k1",
      rateLimitPerMinute: "",
      budgetCents: "",
      tags: "",
      metadata: "",
    });
    expect(input).toMatchObject({
      keyId: "k1",
      rateLimitPerMinute: null,
      budgetCents: null,
      tags: [],
      metadata: null,
      clearExpiry: false,
      resetSpent: false,
    });
    expect(input.name).toBeUndefined();
    expect(input.scopes).toBeUndefined();
    expect(input.rateLimitPerHour).toBeUndefined();
    expect(input.expiresAt).toBeUndefined();
  });

  it("reads checkboxes and refuses to set and clear the expiry at once", () => {
    expect(
      parseOrFail(updateKeySchema, { keyId: "k", clearExpiry: "on", resetSpent: "on" }),
    ).toMatchObject({ clearExpiry: true, resetSpent: true });
    expect(
      fieldErrorsOf(updateKeySchema, { keyId: "k", clearExpiry: "on", expiresInDays: "3" })
        .clearExpiry,
    ).toEqual(["Either set a new expiry or clear it, not both."]);
    expect(fieldErrorsOf(updateKeySchema, { keyId: "k", name: "" }).name).toEqual([
      "Name the key.",
    ]);
    expect(fieldErrorsOf(updateKeySchema, { name: "x" }).keyId).toEqual(["Choose a key."]);
  });
});

describe("small schemas", () => {
  it("revoke needs a reason, roll a known grace period", () => {
    expect(fieldErrorsOf(revokeKeySchema, { keyId: "k", reason: " " }).reason).toEqual([
      "Say why the key is revoked.",
    ]);
    expect(parseOrFail(rollKeySchema, { keyId: "k", grace: "24h" }).grace).toBe("24h");
    expect(fieldErrorsOf(rollKeySchema, { keyId: "k", grace: "2d" }).grace).toEqual([
      "Choose how long the old secret keeps working.",
    ]);
  });

  it("bulk takes ids as an array or as text, and needs a reason to revoke", () => {
    expect(parseOrFail(bulkSchema, { keyIds: ["a", "b", "a"], action: "suspend" }).keyIds).toEqual([
      "a",
      "b",
    ]);
    expect(parseOrFail(bulkSchema, { keyIds: "a,b\nc", action: "suspend" }).keyIds).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(fieldErrorsOf(bulkSchema, { keyIds: "a", action: "revoke" }).reason).toEqual([
      "Say why the keys are revoked.",
    ]);
    expect(fieldErrorsOf(bulkSchema, { keyIds: "", action: "suspend" }).keyIds).toEqual([
      "Select at least one key.",
    ]);
    const many = Array.from({ length: 501 }, (_, i) => `k${i}`);
    expect(fieldErrorsOf(bulkSchema, { keyIds: many, action: "suspend" }).keyIds).toEqual([
      "Select at most 500 keys at once.",
    ]);
    expect(fieldErrorsOf(bulkSchema, { keyIds: "a", action: "delete" }).action).toEqual([
      "Choose revoke or suspend.",
    ]);
  });
});

describe("listKeysQuerySchema", () => {
  it("has defaults and never throws on bad parameters", () => {
    const defaults = parseListKeysQuery({});
    expect(defaults).toEqual({
      page: 1,
      pageSize: 50,
      sort: "createdAt",
      dir: "desc",
      overBudget80: false,
    });
    expect(
      parseListKeysQuery({
        page: "-3",
        pageSize: "33",
        sort: "hash",
        dir: "sideways",
        status: "DELETED",
        tag: "Not A Tag",
        scope: "BAD",
        expiringWithinDays: "soon",
        overBudget80: "maybe",
        unusedForDays: "0",
        q: "x".repeat(500),
      }),
    ).toEqual(defaults);
    expect(listKeysQuerySchema.parse(undefined)).toEqual(defaults);
  });

  it("reads valid parameters, from a record or URLSearchParams", () => {
    const params = new URLSearchParams(
      "page=3&pageSize=25&sort=expiresAt&dir=asc&status=EXPIRED&tag=Prod&scope=orders:*&expiringWithinDays=7&overBudget80=1&unusedForDays=30&q=%20checkout%20",
    );
    expect(parseListKeysQuery(params)).toEqual({
      page: 3,
      pageSize: 25,
      sort: "expiresAt",
      dir: "asc",
      status: "EXPIRED",
      tag: "prod",
      scope: "orders:*",
      expiringWithinDays: 7,
      overBudget80: true,
      unusedForDays: 30,
      q: "checkout",
    });
    expect(parseListKeysQuery({ page: ["2", "9"] }).page).toBe(2);
  });

  it("round-trips through the URL without defaults", () => {
    const query = parseListKeysQuery({ page: "2", sort: "name", dir: "asc", status: "ACTIVE" });
    const params = listKeysQueryToSearchParams(query);
    expect(params.toString()).toBe("page=2&sort=name&dir=asc&status=ACTIVE");
    expect(parseListKeysQuery(params)).toEqual(query);
  });

  it("never keeps a whole key in the search text", () => {
    const key = `kp_${"A".repeat(4)}${"b".repeat(32)}c1d2e3`;
    expect(toKeySearchText(key)).toBe("kp_AAAA…d2e3");
    expect(parseListKeysQuery({ q: key }).q).toBe("kp_AAAA…d2e3");
    expect(toKeySearchText("kp_AAAA")).toBe("kp_AAAA");
  });
});

describe("KEY_PRESETS", () => {
  const catalog = ["orders:read", "orders:write", "users:read"];

  it("fill the create form with values the schema accepts", () => {
    for (const preset of KEY_PRESETS) {
      const values = preset.values(catalog);
      expect(createKeySchema.safeParse({ name: "From preset", ...values }).success).toBe(true);
    }
  });

  it("read-only takes the catalog's read scopes; restricted has a budget", () => {
    expect(presetValues("default", catalog)).toEqual({});
    expect(presetValues("read-only", catalog)).toEqual({
      scopes: ["orders:read", "users:read"],
      expiresInDays: 30,
      rateLimitPerMinute: 60,
    });
    expect(presetValues("restricted", catalog)).toMatchObject({
      scopes: [],
      expiresInDays: 7,
      rateLimitPerMinute: 10,
      rateLimitPerDay: 1000,
      budgetCents: 1000,
      budgetPeriod: "TOTAL",
    });
  });
});
