import type { NextAuthOptions, Session } from "next-auth";
import { decode, encode, type JWT } from "next-auth/jwt";
import { authOptions } from "@/lib/auth/options";

// A browser's session cookie for tests that go through the real next-auth callbacks:
// signing in runs the jwt callback with the user (which starts the server-side session)
// and encodes the JWT as next-auth does; each request decodes the "cookie" and runs the
// jwt and session callbacks, as next-auth's getServerSession does on a server. A test
// file replaces getServerSession with serverSessionFromCookie:
//
//   vi.mock("next-auth", async (original) => ({
//     ...(await original<typeof import("next-auth")>()),
//     getServerSession: (options: NextAuthOptions) =>
//       import("@/lib/testing/session-cookie").then((m) => m.serverSessionFromCookie(options)),
//   }));
//
// and picks whose cookie the next request carries with sendCookie().

const MAX_AGE = 7 * 24 * 60 * 60;

function secretOf(options: NextAuthOptions): string {
  if (!options.secret) throw new Error("tests need NEXTAUTH_SECRET set before importing auth");
  return options.secret;
}

let current: string | null = null;

/** The cookie the next request sends; null: no cookie. */
export function sendCookie(cookie: string | null): void {
  current = cookie;
}

/** Encodes a token as next-auth would, e.g. one issued before sessions had an `sid`. */
export function encodeToken(token: JWT): Promise<string> {
  return encode({ token, secret: secretOf(authOptions), maxAge: MAX_AGE });
}

export function decodeCookie(cookie: string): Promise<JWT | null> {
  return decode({ token: cookie, secret: secretOf(authOptions) });
}

/** Signs a user in as the credentials provider does and returns the new cookie. */
export async function signInCookie(user: { id: string; email: string; name: string }) {
  const jwt = authOptions.callbacks?.jwt;
  if (!jwt) throw new Error("authOptions has no jwt callback");
  const token = await jwt({
    token: { name: user.name, email: user.email, sub: user.id },
    user,
    account: null,
    trigger: "signIn",
  });
  return encodeToken(token);
}

/** next-auth's sign-out, for the cookie given: the signOut event gets the decoded JWT. */
export async function signOutCookie(cookie: string): Promise<void> {
  const token = await decodeCookie(cookie);
  if (!token) throw new Error("not a cookie of this secret");
  await authOptions.events?.signOut?.({ token, session: null as unknown as Session });
}

/** What getServerSession answers for the current cookie. */
export async function serverSessionFromCookie(options: NextAuthOptions): Promise<Session | null> {
  if (!current) return null;
  const decoded = await decode({ token: current, secret: secretOf(options) });
  if (!decoded) return null;
  const token =
    (await options.callbacks?.jwt?.({ token: decoded, user: undefined as never, account: null })) ??
    decoded;
  const expires = new Date(Date.now() + MAX_AGE * 1000).toISOString();
  const base: Session = {
    user: { id: "", name: decoded.name ?? "", email: decoded.email ?? "" },
    expires,
  };
  const session = options.callbacks?.session
    ? await options.callbacks.session({
        session: base,
        token,
        user: undefined as never,
        newSession: undefined,
        trigger: "update",
      })
    : base;
  // Like getServerSession in a server component: an empty answer is no session, and
  // `expires` is dropped.
  if (!Object.keys(session).length) return null;
  const { expires: _dropped, ...rest } = session;
  return rest as Session;
}
