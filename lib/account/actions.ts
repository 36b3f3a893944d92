"use server";

import { revalidatePath } from "next/cache";
import { userAction } from "@/lib/auth/action";
import { NotFoundError } from "@/lib/auth/errors";
import { endAllSessions, endUserSession } from "@/lib/auth/sessions";
import { changePassword } from "./change-password";
import { changePasswordSchema, endSessionSchema, noInputSchema } from "./schemas";

// Thin wrappers: the wrapper signs the user in from an active session, the schema
// parses, and lib/auth/sessions.ts scopes every change to the user's own sessions.

export const changePasswordAction = userAction(changePasswordSchema, async (user, input) => {
  const { endedSessions } = await changePassword(user, input);
  revalidatePath("/account");
  return {
    message:
      endedSessions === 1
        ? "Password changed. 1 other session was signed out."
        : `Password changed. ${endedSessions} other sessions were signed out.`,
  };
});

export const endSessionAction = userAction(endSessionSchema, async (user, input) => {
  // Another user's session id ends nothing and answers like one that does not exist.
  if (!(await endUserSession(user.id, input.sessionId))) {
    throw new NotFoundError("That session has already ended.");
  }
  if (input.sessionId === user.sessionId) return { redirectTo: "/sign-in" };
  revalidatePath("/account");
  return { message: "That session was signed out." };
});

/** Ends every session of the user, this one too; the page then signs this browser out. */
export const signOutEverywhereAction = userAction(noInputSchema, async (user) => {
  const ended = await endAllSessions(user.id);
  return { data: { ended } };
});
