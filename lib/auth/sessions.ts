import "server-only";
import { cache } from "react";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * Server-side session records. The session cookie is a next-auth JWT that names its
 * record (`sid`); a cookie counts only while that record exists, belongs to the same
 * user, has not ended and has not expired. Ending a record therefore signs that browser
 * out on the server, even if someone kept a copy of its cookie.
 */

/** How long a session lasts from sign-in; the cookie's JWT gets the same lifetime. */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

// lastSeenAt is written at most this often, so reading the session costs one
// primary-key lookup on almost every request and a write only once a minute.
const TOUCH_INTERVAL_MS = 60_000;

// Stored user agents are for a person to recognise a device, not for forensics.
const MAX_USER_AGENT_LENGTH = 512;

export type ActiveSession = {
  id: string;
  userId: string;
  user: { id: string; email: string; name: string };
};

type SessionLookupRow = {
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  lastSeenAt: Date;
  email: string;
  name: string;
};

/** What the account page shows of a session: never the user's other data. */
export type SessionRow = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
};

/** Starts a session at sign-in and returns its id, to be carried in the JWT. */
export async function createUserSession(
  input: { userId: string; userAgent?: string | null; ip?: string | null },
  now = new Date(),
): Promise<string> {
  const row = await db().userSession.create({
    data: {
      userId: input.userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
      userAgent: input.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
      ip: input.ip ?? null,
    },
    select: { id: true },
  });
  return row.id;
}

/**
 * The session and its user if the session is still active, else null. Database errors
 * are thrown, not turned into "signed out": an outage must not look like a sign-out.
 */
export async function findActiveSession(
  sessionId: string,
  now = new Date(),
): Promise<ActiveSession | null> {
  // One round trip: the session by its primary key, joined to its user by theirs.
  // (Prisma would load the relation with a second query.)
  const [row] = await db().$queryRaw<SessionLookupRow[]>`
    SELECT s."userId", s."expiresAt", s."revokedAt", s."lastSeenAt", u."email", u."name"
    FROM "UserSession" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${sessionId}`;
  if (!row || row.revokedAt || row.expiresAt <= now) return null;
  const staleBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS);
  if (row.lastSeenAt <= staleBefore) {
    // Conditional, so concurrent requests of the same minute write once between them.
    await db().userSession.updateMany({
      where: { id: sessionId, lastSeenAt: { lte: staleBefore } },
      data: { lastSeenAt: now },
    });
  }
  return {
    id: sessionId,
    userId: row.userId,
    user: { id: row.userId, email: row.email, name: row.name },
  };
}

/**
 * findActiveSession, once per request: next-auth's session callback and getSessionUser
 * both ask, and a server component tree asks many times; they share one lookup.
 */
export const findActiveSessionForRequest = cache((sessionId: string) =>
  findActiveSession(sessionId),
);

/**
 * Ends the session a verified JWT names (next-auth's sign-out). The JWT's signature is
 * what proves the caller holds this session, so no user check is needed here.
 */
export async function endSession(sessionId: string, now = new Date()): Promise<void> {
  await db().userSession.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: now },
  });
}

/**
 * Ends one of the user's own sessions. A session id of another user ends nothing and
 * answers false, exactly like an id that does not exist.
 */
export async function endUserSession(
  userId: string,
  sessionId: string,
  now = new Date(),
): Promise<boolean> {
  const { count } = await db().userSession.updateMany({
    where: { id: sessionId, userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
  });
  return count > 0;
}

/** Ends every session of the user, the current one included; returns how many. */
export async function endAllSessions(userId: string, now = new Date()): Promise<number> {
  const { count } = await db().userSession.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: now },
  });
  return count;
}

/**
 * Ends every session of the user but `keepSessionId` (a password change keeps the
 * browser that made it signed in). Takes the transaction of the change that causes it.
 */
export async function endOtherSessions(
  client: Prisma.TransactionClient,
  userId: string,
  keepSessionId: string,
  now = new Date(),
): Promise<number> {
  const { count } = await client.userSession.updateMany({
    where: { userId, revokedAt: null, id: { not: keepSessionId } },
    data: { revokedAt: now },
  });
  return count;
}

/** The user's sessions that still count, most recently used first. */
export async function listActiveSessions(userId: string, now = new Date()): Promise<SessionRow[]> {
  return db().userSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    select: {
      id: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      userAgent: true,
      ip: true,
    },
    orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
  });
}
