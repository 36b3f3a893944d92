import "server-only";
import { UnauthenticatedError, ValidationError } from "@/lib/auth/errors";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { endOtherSessions } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import type { ChangePasswordInput } from "./schemas";

export const WRONG_CURRENT_PASSWORD = "That is not your current password.";

/**
 * Changes the user's password and ends every other session of the user in the same
 * transaction: whoever signed in with the old password (a shared computer, a stolen
 * cookie) is signed out, and the browser that made the change stays signed in.
 *
 * The audit log belongs to tenants and has no place for events of a user account, so
 * the change is not audited there; the session list shows what it ended.
 */
export async function changePassword(
  user: { id: string; sessionId: string },
  input: ChangePasswordInput,
  now = new Date(),
): Promise<{ endedSessions: number }> {
  const row = await db().user.findUnique({
    where: { id: user.id },
    select: { passwordHash: true },
  });
  if (!row) throw new UnauthenticatedError();
  if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
    throw new ValidationError(WRONG_CURRENT_PASSWORD, "currentPassword");
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db().$transaction(async (tx) => {
    // Only over the hash that was checked: of two changes made at once with the same
    // current password, one wins and the other is told, instead of both succeeding.
    const updated = await tx.user.updateMany({
      where: { id: user.id, passwordHash: row.passwordHash },
      data: { passwordHash },
    });
    if (updated.count === 0) throw new ValidationError(WRONG_CURRENT_PASSWORD, "currentPassword");
    const endedSessions = await endOtherSessions(tx, user.id, user.sessionId, now);
    return { endedSessions };
  });
}
