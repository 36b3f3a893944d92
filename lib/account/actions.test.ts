import type { NextAuthOptions } from "next-auth";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IDLE } from "@/lib/auth/action-state";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { getSessionUser } from "@/lib/auth/session";
import { listActiveSessions } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { setupTestDatabase } from "@/lib/testing/database";
import { createUser } from "@/lib/testing/fixtures";
import { decodeCookie, sendCookie, signInCookie } from "@/lib/testing/session-cookie";
import { changePasswordAction, endSessionAction, signOutEverywhereAction } from "./actions";

vi.hoisted(() => {
  process.env.NEXTAUTH_SECRET = "account-actions-test-secret-0123456789";
});

vi.mock("@/lib/auth/request-info", () => ({
  clientIpFrom: () => "192.0.2.20",
  requestInfo: async () => ({ ip: "192.0.2.20", userAgent: "account test" }),
}));
vi.mock("next-auth", async (original) => ({
  ...(await original<typeof import("next-auth")>()),
  getServerSession: (options: NextAuthOptions) =>
    import("@/lib/testing/session-cookie").then((m) => m.serverSessionFromCookie(options)),
}));
vi.mock("next/cache", () => import("@/lib/testing/action-session"));
vi.mock("next/navigation", () => import("@/lib/testing/action-session"));

setupTestDatabase();

const OLD_PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new long password";

beforeEach(() => sendCookie(null));

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

async function userWithPassword() {
  const user = await createUser();
  await db().user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(OLD_PASSWORD) },
  });
  return user;
}

async function isSignedIn(cookie: string): Promise<boolean> {
  sendCookie(cookie);
  return (await getSessionUser()) !== null;
}

async function passwordHashOf(userId: string) {
  return (await db().user.findUniqueOrThrow({ where: { id: userId } })).passwordHash;
}

describe("changePasswordAction", () => {
  it("changes the password and ends the other sessions, keeping the current one", async () => {
    const user = await userWithPassword();
    const bystander = await userWithPassword();
    const current = await signInCookie(user);
    const laptop = await signInCookie(user);
    const phone = await signInCookie(user);
    const theirs = await signInCookie(bystander);

    sendCookie(current);
    const state = await changePasswordAction(
      IDLE,
      form({
        currentPassword: OLD_PASSWORD,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
    );
    expect(state).toEqual({
      status: "success",
      message: "Password changed. 2 other sessions were signed out.",
      data: undefined,
    });

    expect(await isSignedIn(current)).toBe(true);
    expect(await isSignedIn(laptop)).toBe(false);
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(theirs)).toBe(true);
    const hash = await passwordHashOf(user.id);
    expect(await verifyPassword(hash, NEW_PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, OLD_PASSWORD)).toBe(false);
  });

  it("refuses a wrong current password next to its field and changes nothing", async () => {
    const user = await userWithPassword();
    const current = await signInCookie(user);
    const other = await signInCookie(user);
    const before = await passwordHashOf(user.id);

    sendCookie(current);
    const state = await changePasswordAction(
      IDLE,
      form({
        currentPassword: "not my password",
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
    );
    expect(state).toMatchObject({
      status: "error",
      fieldErrors: { currentPassword: ["That is not your current password."] },
    });
    expect(await passwordHashOf(user.id)).toBe(before);
    expect(await isSignedIn(other)).toBe(true);
  });

  it("names each field that breaks the rules, with the sign-up password rules", async () => {
    const user = await userWithPassword();
    sendCookie(await signInCookie(user));
    const short = await changePasswordAction(
      IDLE,
      form({ currentPassword: "", newPassword: "short", confirmPassword: "different" }),
    );
    expect(short).toMatchObject({
      status: "error",
      fieldErrors: {
        currentPassword: ["Enter your current password."],
        newPassword: ["Use at least 10 characters."],
        confirmPassword: ["This does not match the new password."],
      },
    });
    const empty = await changePasswordAction(
      IDLE,
      form({ currentPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: "" }),
    );
    expect(empty).toMatchObject({
      status: "error",
      fieldErrors: { confirmPassword: ["Repeat the new password."] },
    });
    const same = await changePasswordAction(
      IDLE,
      form({
        currentPassword: OLD_PASSWORD,
        newPassword: OLD_PASSWORD,
        confirmPassword: OLD_PASSWORD,
      }),
    );
    expect(same).toMatchObject({
      status: "error",
      fieldErrors: { newPassword: ["Choose a password different from the current one."] },
    });
  });

  it("refuses a cookie whose session was ended, even with the right password", async () => {
    const user = await userWithPassword();
    const stolen = await signInCookie(user);
    sendCookie(await signInCookie(user));
    await signOutEverywhereAction(IDLE, form({}));
    const before = await passwordHashOf(user.id);

    sendCookie(stolen);
    const state = await changePasswordAction(
      IDLE,
      form({
        currentPassword: OLD_PASSWORD,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
    );
    expect(state).toEqual({ status: "error", message: "Sign in to continue." });
    expect(await passwordHashOf(user.id)).toBe(before);
  });
});

describe("signOutEverywhereAction", () => {
  it("ends every session of the user, the current one included", async () => {
    const user = await createUser();
    const bystander = await createUser();
    const current = await signInCookie(user);
    const other = await signInCookie(user);
    const theirs = await signInCookie(bystander);

    sendCookie(current);
    const state = await signOutEverywhereAction(IDLE, form({}));
    expect(state).toMatchObject({ status: "success", data: { ended: 2 } });

    expect(await isSignedIn(current)).toBe(false);
    expect(await isSignedIn(other)).toBe(false);
    expect(await isSignedIn(theirs)).toBe(true);
  });
});

describe("endSessionAction", () => {
  it("signs one of the user's other sessions out", async () => {
    const user = await createUser();
    const current = await signInCookie(user);
    const other = await signInCookie(user);
    const otherSid = (await decodeCookie(other))?.sid ?? "";

    sendCookie(current);
    const state = await endSessionAction(IDLE, form({ sessionId: otherSid }));
    expect(state).toMatchObject({ status: "success", message: "That session was signed out." });
    expect(await isSignedIn(other)).toBe(false);
    expect(await isSignedIn(current)).toBe(true);
  });

  it("cannot end another user's session (the attacker's side)", async () => {
    const victim = await createUser();
    const attacker = await createUser();
    const victimCookie = await signInCookie(victim);
    const victimSid = (await decodeCookie(victimCookie))?.sid ?? "";

    sendCookie(await signInCookie(attacker));
    const state = await endSessionAction(IDLE, form({ sessionId: victimSid }));
    expect(state).toEqual({ status: "error", message: "That session has already ended." });
    expect(await isSignedIn(victimCookie)).toBe(true);
    expect(await listActiveSessions(victim.id)).toHaveLength(1);
  });

  it("refuses a session id that is not one, next to its field, and a signed-out caller", async () => {
    const user = await createUser();
    sendCookie(await signInCookie(user));
    const state = await endSessionAction(IDLE, form({ sessionId: "x\u0000y" }));
    expect(state).toMatchObject({
      status: "error",
      fieldErrors: { sessionId: ["That is not a session of yours."] },
    });

    const victim = await createUser();
    const victimSid = (await decodeCookie(await signInCookie(victim)))?.sid ?? "";
    sendCookie(null);
    const anonymous = await endSessionAction(IDLE, form({ sessionId: victimSid }));
    expect(anonymous).toEqual({ status: "error", message: "Sign in to continue." });
    expect(await listActiveSessions(victim.id)).toHaveLength(1);
  });
});
