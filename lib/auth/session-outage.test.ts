import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { DATABASE_UNAVAILABLE_DIGEST, errorPageText } from "@/lib/db/errors";
import { testsUsePostgres } from "@/lib/testing/database";
import { createTenantWithOwner, type TestMember, type TestTenant } from "@/lib/testing/fixtures";
import { setupProxiedDatabase } from "@/lib/testing/outage";
import { tenantAction } from "./action";
import { getSessionUser, listMyTenants, loadTenantContext, requireMember } from "./session";
import { createUserSession } from "./sessions";

// The dashboard's boundary during a database outage: what lib/auth/session.ts throws is
// what Next.js hands the page's error boundary (app/error.tsx) by its digest, and what
// the action wrapper turns into the form's message.

// The cookie's session, as next-auth's callbacks leave it: a user and the server-side
// session record it was issued with (lib/auth/sessions.ts).
let signedInAs: { user: { id: string }; sid: string } | null = null;
vi.mock("next-auth", () => ({ getServerSession: async () => signedInAs }));
vi.mock("./request-info", () => ({
  requestInfo: async () => ({ ip: "203.0.113.7", userAgent: "vitest" }),
  clientIpFrom: () => "203.0.113.7",
}));

describe("errorPageText", () => {
  it("says the database cannot be reached for its digest, and something generic otherwise", () => {
    expect(errorPageText(DATABASE_UNAVAILABLE_DIGEST).title).toBe("The database cannot be reached");
    expect(errorPageText("12345").title).toBe("Something went wrong");
    expect(errorPageText(undefined).title).toBe("Something went wrong");
  });
});

describe.skipIf(!testsUsePostgres)("session during a database outage", () => {
  const database = setupProxiedDatabase();
  let tenant: TestTenant;
  let owner: TestMember;

  beforeAll(async () => {
    ({ tenant, owner } = await createTenantWithOwner());
    const sid = await createUserSession({ userId: owner.user.id });
    signedInAs = { user: { id: owner.user.id }, sid };
  });

  it("pages get an error whose digest the error boundary recognises, not a bare failure", async () => {
    for (const mode of ["refuse", "blackhole"] as const) {
      await database().recover();
      await expect(getSessionUser()).resolves.toMatchObject({ id: owner.user.id });
      database().proxy[mode]();
      for (const load of [
        () => getSessionUser(),
        () => loadTenantContext(tenant.slug),
        () => requireMember(tenant.slug),
        () => listMyTenants(owner.user.id),
      ]) {
        const error = await load().then(
          () => null,
          (thrown: unknown) => thrown as { digest?: string },
        );
        expect(error?.digest, mode).toBe(DATABASE_UNAVAILABLE_DIGEST);
        expect(errorPageText(error?.digest).title).toBe("The database cannot be reached");
      }
    }
    await database().recover();
  });

  it("a server action answers that the database cannot be reached", async () => {
    await database().recover();
    const action = tenantAction(
      { permission: "tenant:read", schema: z.object({ tenant: z.string() }) },
      async () => ({ message: "done" }),
    );
    const form = new FormData();
    form.set("tenant", tenant.slug);
    await expect(action({ status: "idle" }, form)).resolves.toMatchObject({ status: "success" });
    database().proxy.refuse();
    await expect(action({ status: "idle" }, form)).resolves.toEqual({
      status: "error",
      message: "The database cannot be reached. Try again in a moment; nothing was changed.",
    });
    await database().recover();
  });
});
