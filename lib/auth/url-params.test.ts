import { beforeAll, describe, expect, it, vi } from "vitest";
import { getKey } from "@/lib/keys/read";
import { setupTestDatabase } from "@/lib/testing/database";
import { createTenantWithOwner, type TestMember, type TestTenant } from "@/lib/testing/fixtures";
import { NotFoundError } from "./errors";
import { createUserSession } from "./sessions";
import { loadTenantContext } from "./session";

// Dashboard URLs carry a tenant slug and a key id straight from the address bar. Text the
// database cannot hold (`/t/%00/keys`, `/t/acme/keys/%00`) is a miss, answered with the
// 404 page, never an error from the database that becomes a 500.

let signedIn: { user: { id: string }; sid: string } | null = null;
vi.mock("next-auth", () => ({ getServerSession: async () => signedIn }));
vi.mock("./request-info", () => ({
  requestInfo: async () => ({ ip: "203.0.113.9", userAgent: "vitest" }),
  clientIpFrom: () => "203.0.113.9",
}));

setupTestDatabase();

let tenant: TestTenant;
let owner: TestMember;

beforeAll(async () => {
  ({ tenant, owner } = await createTenantWithOwner());
  const sid = await createUserSession({ userId: owner.user.id, ip: null, userAgent: null });
  signedIn = { user: { id: owner.user.id }, sid };
});

const HOSTILE = ["\u0000", `${"a"}\u0000b`, "a\ud800", "\ud800", "a b", "x".repeat(300), ""];

describe("hostile values in dashboard URLs", () => {
  it("a tenant slug that cannot be one is not found", async () => {
    await expect(loadTenantContext(tenant.slug)).resolves.toMatchObject({ tenantId: tenant.id });
    for (const slug of HOSTILE) {
      await expect(loadTenantContext(slug), JSON.stringify(slug)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }
  });

  it("a key id that cannot be one is not found", async () => {
    const ctx = await loadTenantContext(tenant.slug);
    for (const keyId of HOSTILE) {
      await expect(getKey(ctx, keyId), JSON.stringify(keyId)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});
