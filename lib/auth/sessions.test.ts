import type { NextAuthOptions } from "next-auth";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createUser } from "@/lib/testing/fixtures";
import {
  decodeCookie,
  encodeToken,
  sendCookie,
  serverSessionFromCookie,
  signInCookie,
  signOutCookie,
} from "@/lib/testing/session-cookie";
import { authOptions } from "./options";
import { getSessionUser } from "./session";
import {
  createUserSession,
  endAllSessions,
  endSession,
  endUserSession,
  findActiveSession,
  listActiveSessions,
  SESSION_MAX_AGE_SECONDS,
} from "./sessions";

vi.hoisted(() => {
  process.env.NEXTAUTH_SECRET = "sessions-test-secret-0123456789abcdef";
});

vi.mock("./request-info", () => ({
  clientIpFrom: () => "192.0.2.10",
  requestInfo: async () => ({ ip: "192.0.2.10", userAgent: "Mozilla/5.0 (sessions test)" }),
}));

vi.mock("next-auth", async (original) => ({
  ...(await original<typeof import("next-auth")>()),
  getServerSession: (options: NextAuthOptions) =>
    import("@/lib/testing/session-cookie").then((m) => m.serverSessionFromCookie(options)),
}));

setupTestDatabase();

beforeEach(() => sendCookie(null));

async function signedInAs(cookie: string) {
  sendCookie(cookie);
  return getSessionUser();
}

describe("signing in", () => {
  it("starts a session record with the address and user agent, and puts its id in the JWT", async () => {
    const user = await createUser();
    const before = Date.now();
    const cookie = await signInCookie(user);
    const token = await decodeCookie(cookie);
    expect(token?.sid).toMatch(/^[a-z0-9]+$/);
    expect(token?.uid).toBe(user.id);

    const row = await db().userSession.findUniqueOrThrow({ where: { id: token?.sid ?? "" } });
    expect(row).toMatchObject({
      userId: user.id,
      ip: "192.0.2.10",
      userAgent: "Mozilla/5.0 (sessions test)",
      revokedAt: null,
    });
    const lifetime = row.expiresAt.getTime() - row.createdAt.getTime();
    expect(lifetime).toBe(SESSION_MAX_AGE_SECONDS * 1000);
    expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    expect(await signedInAs(cookie)).toEqual({ ...user, sessionId: row.id });
  });

  it("gives each sign-in a session of its own", async () => {
    const user = await createUser();
    const first = await decodeCookie(await signInCookie(user));
    const second = await decodeCookie(await signInCookie(user));
    expect(first?.sid).not.toBe(second?.sid);
    expect(await listActiveSessions(user.id)).toHaveLength(2);
  });
});

describe("signing out", () => {
  it("ends the session on the server: the cookie captured before opens nothing after", async () => {
    const user = await createUser();
    const cookie = await signInCookie(user);
    expect(await signedInAs(cookie)).not.toBeNull();

    await signOutCookie(cookie);

    expect(await signedInAs(cookie)).toBeNull();
    // next-auth's own /api/auth/session answers with no user for it either.
    sendCookie(cookie);
    const session = await serverSessionFromCookie(authOptions);
    expect(session?.user).toBeUndefined();
  });

  it("leaves the user's other devices signed in", async () => {
    const user = await createUser();
    const laptop = await signInCookie(user);
    const phone = await signInCookie(user);
    await signOutCookie(laptop);
    expect(await signedInAs(laptop)).toBeNull();
    expect((await signedInAs(phone))?.id).toBe(user.id);
  });
});

describe("cookies the server no longer accepts", () => {
  it("refuses a JWT without sid, issued before sessions were kept on the server", async () => {
    const user = await createUser();
    const old = await encodeToken({
      uid: user.id,
      sub: user.id,
      email: user.email,
      name: user.name,
    });
    expect(await signedInAs(old)).toBeNull();
    sendCookie(old);
    expect((await serverSessionFromCookie(authOptions))?.user).toBeUndefined();
  });

  it("refuses a JWT whose sid belongs to another user", async () => {
    const victim = await createUser();
    const attacker = await createUser();
    const victimSid = (await decodeCookie(await signInCookie(victim)))?.sid;
    const forged = await encodeToken({ uid: attacker.id, sid: victimSid, email: attacker.email });
    expect(await signedInAs(forged)).toBeNull();
  });

  it("refuses a JWT whose sid does not exist", async () => {
    const user = await createUser();
    const forged = await encodeToken({ uid: user.id, sid: "nosuchsession000000000000" });
    expect(await signedInAs(forged)).toBeNull();
  });

  it("refuses an expired session, and a deleted user's", async () => {
    const user = await createUser();
    const longAgo = new Date(Date.now() - (SESSION_MAX_AGE_SECONDS + 60) * 1000);
    const expired = await createUserSession({ userId: user.id }, longAgo);
    expect(await findActiveSession(expired)).toBeNull();

    const other = await createUser();
    const cookie = await signInCookie(other);
    await db().user.delete({ where: { id: other.id } });
    expect(await signedInAs(cookie)).toBeNull();
  });
});

describe("the per-request check", () => {
  it("writes lastSeenAt at most once a minute", async () => {
    const user = await createUser();
    const start = new Date("2026-06-01T10:00:00Z");
    const id = await createUserSession({ userId: user.id }, start);
    const lastSeen = async () =>
      (await db().userSession.findUniqueOrThrow({ where: { id } })).lastSeenAt.toISOString();

    await findActiveSession(id, new Date("2026-06-01T10:00:59Z"));
    expect(await lastSeen()).toBe("2026-06-01T10:00:00.000Z");
    await findActiveSession(id, new Date("2026-06-01T10:01:00Z"));
    expect(await lastSeen()).toBe("2026-06-01T10:01:00.000Z");
    await findActiveSession(id, new Date("2026-06-01T10:01:30Z"));
    expect(await lastSeen()).toBe("2026-06-01T10:01:00.000Z");
  });

  it("lets a database error through instead of answering signed out", async () => {
    const user = await createUser();
    const cookie = await signInCookie(user);
    const spy = vi.spyOn(db(), "$queryRaw").mockRejectedValue(new Error("db down"));
    try {
      await expect(signedInAs(cookie)).rejects.toThrow("db down");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("ending sessions", () => {
  it("endUserSession ends the user's own session only, never another user's", async () => {
    const victim = await createUser();
    const attacker = await createUser();
    const victimCookie = await signInCookie(victim);
    const victimSid = (await decodeCookie(victimCookie))?.sid ?? "";

    expect(await endUserSession(attacker.id, victimSid)).toBe(false);
    expect((await signedInAs(victimCookie))?.id).toBe(victim.id);

    expect(await endUserSession(victim.id, victimSid)).toBe(true);
    expect(await signedInAs(victimCookie)).toBeNull();
    expect(await endUserSession(victim.id, victimSid)).toBe(false);
  });

  it("endAllSessions ends every session of the user and no one else's", async () => {
    const user = await createUser();
    const bystander = await createUser();
    const cookies = [await signInCookie(user), await signInCookie(user)];
    const theirs = await signInCookie(bystander);

    expect(await endAllSessions(user.id)).toBe(2);

    for (const cookie of cookies) expect(await signedInAs(cookie)).toBeNull();
    expect((await signedInAs(theirs))?.id).toBe(bystander.id);
    expect(await listActiveSessions(user.id)).toEqual([]);
  });

  it("endSession keeps the time a session first ended", async () => {
    const user = await createUser();
    const id = await createUserSession({ userId: user.id });
    const first = new Date("2026-06-01T10:00:00Z");
    await endSession(id, first);
    await endSession(id, new Date("2026-06-02T10:00:00Z"));
    const row = await db().userSession.findUniqueOrThrow({ where: { id } });
    expect(row.revokedAt?.toISOString()).toBe(first.toISOString());
  });
});
