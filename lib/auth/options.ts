import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { safeCallbackPath } from "./callback-url";
import { verifyPassword } from "./password";
import { clientIpFrom, requestInfo } from "./request-info";
import { signInSchema } from "./schemas";
import {
  createUserSession,
  endSession,
  findActiveSessionForRequest,
  SESSION_MAX_AGE_SECONDS,
} from "./sessions";
import { assertSignInAllowed, recordFailedSignIn, recordSuccessfulSignIn } from "./sign-in-limits";

declare module "next-auth" {
  interface Session {
    /** Absent when the cookie's session has ended on the server (see lib/auth/sessions.ts). */
    user?: { id: string; email: string; name: string };
    /** The server-side session record the cookie belongs to. */
    sid?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    /** Id of the UserSession row; a JWT without one predates server-side sessions. */
    sid?: string;
  }
}

export const WRONG_CREDENTIALS = "Wrong email or password.";

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(credentials, req) {
        const parsed = signInSchema.safeParse(credentials ?? {});
        if (!parsed.success) throw new Error(WRONG_CREDENTIALS);
        const { email, password } = parsed.data;
        const headers = new Headers();
        for (const [name, value] of Object.entries(req?.headers ?? {})) {
          if (typeof value === "string") headers.set(name, value);
        }
        const ip = clientIpFrom(headers);
        await assertSignInAllowed(ip, email);
        const user = await db().user.findUnique({
          where: { email },
          select: { id: true, email: true, name: true, passwordHash: true },
        });
        const ok = await verifyPassword(user?.passwordHash, password);
        if (!user || !ok) {
          await recordFailedSignIn(ip, email);
          throw new Error(WRONG_CREDENTIALS);
        }
        await recordSuccessfulSignIn(ip, email);
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    // Every destination next-auth is given (a callbackUrl parameter or cookie, sign-out's
    // target) goes through the one same-origin rule, and comes back absolute on this
    // origin as next-auth expects.
    redirect({ url, baseUrl }) {
      return new URL(safeCallbackPath(url, baseUrl), baseUrl).href;
    },
    async jwt({ token, user }) {
      // `user` is set only on sign-in: that is when the server-side session starts.
      if (user) {
        const { ip, userAgent } = await requestInfo();
        token.uid = user.id;
        token.sid = await createUserSession({ userId: user.id, ip, userAgent });
      }
      return token;
    },
    async session({ session, token }) {
      const signedOut = { expires: session.expires };
      // A JWT without `sid` was issued before sessions were kept on the server; it
      // cannot be ended by signing out, so it is not accepted at all.
      if (!token.uid || !token.sid) return signedOut;
      let active: Awaited<ReturnType<typeof findActiveSessionForRequest>> | undefined;
      try {
        active = await findActiveSessionForRequest(token.sid);
      } catch {
        // next-auth would swallow the error and answer "signed out". Leave the decision
        // to getSessionUser, which asks again (the same cached lookup), sees the error
        // and reports the database as unreachable instead.
        active = undefined;
      }
      if (active === null || (active && active.userId !== token.uid)) return signedOut;
      return {
        ...session,
        sid: token.sid,
        user: active?.user ?? { id: token.uid, email: token.email ?? "", name: token.name ?? "" },
      };
    },
  },
  events: {
    // Ends the session on the server, so a copy of the cookie taken before signing out
    // opens nothing afterwards. Other devices of the same user keep their sessions.
    async signOut({ token }) {
      if (token?.sid) await endSession(token.sid);
    },
  },
};
