import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { verifyPassword } from "./password";
import { clientIpFrom } from "./request-info";
import { signInSchema } from "./schemas";
import { assertSignInAllowed, recordFailedSignIn, recordSuccessfulSignIn } from "./sign-in-limits";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
  }
}

export const WRONG_CREDENTIALS = "Wrong email or password.";

export const authOptions: NextAuthOptions = {
  secret: process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
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
    jwt({ token, user }) {
      if (user) token.uid = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.uid) {
        session.user = {
          id: token.uid,
          email: token.email ?? "",
          name: token.name ?? "",
        };
      }
      return session;
    },
  },
};
