import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { PEER_ADDRESS_HEADER } from "@/lib/net/client-address";
import { setupTestDatabase } from "@/lib/testing/database";
import { createUser } from "@/lib/testing/fixtures";
import { hashPassword } from "./password";

// Sign-in through next-auth's authorize, as the sign-in form reaches it, with the
// headers the server entry hands to Next.js: the socket's peer (PEER_ADDRESS_HEADER)
// and whatever X-Forwarded-For the client chose to send.

setupTestDatabase();
const MAX_DELAY_MS = 1_000;
beforeAll(() => {
  vi.stubEnv("KEYPLANE_SIGNIN_MAX_DELAY_MS", String(MAX_DELAY_MS));
});

const PASSWORD = "correct horse battery staple";
const unique = () => randomBytes(6).toString("hex");
// Addresses of this run only, so counters left in Redis by earlier runs never apply.
const runOctet = () => 1 + Math.floor(Math.random() * 250);
const address = () =>
  `2001:db8:${unique().slice(0, 4)}:${unique().slice(0, 4)}::${runOctet().toString(16)}`;

type Authorize = (
  credentials: Record<string, string>,
  req: { headers: Record<string, string> },
) => Promise<unknown>;

async function authorize(): Promise<Authorize> {
  const { authOptions } = await import("./options");
  const provider = authOptions.providers[0] as unknown as { options: { authorize: Authorize } };
  return provider.options.authorize;
}

async function attempt(email: string, password: string, peer: string, forwardedFor?: string) {
  const headers: Record<string, string> = { [PEER_ADDRESS_HEADER]: peer };
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  try {
    return { ok: true as const, user: await (await authorize())({ email, password }, { headers }) };
  } catch (error) {
    return { ok: false as const, message: error instanceof Error ? error.message : String(error) };
  }
}

async function owner(): Promise<string> {
  const user = await createUser({ email: `owner-${unique()}@example.test` });
  await db().user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(PASSWORD) },
  });
  return user.email;
}

describe("sign-in: a stranger cannot lock the owner out", () => {
  it("50 wrong passwords from one address; the owner signs in from another, the attacker stays locked", async () => {
    const email = await owner();
    const attacker = address();
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await attempt(email, `wrong-${i}`, attacker));
    expect(answers.every((a) => !a.ok)).toBe(true);
    expect(answers.filter((a) => !a.ok && /Too many/.test(a.message)).length).toBe(40);

    const started = performance.now();
    const signedIn = await attempt(email, PASSWORD, address());
    expect(signedIn.ok).toBe(true);
    // At most the documented delay (plus the password check).
    expect(performance.now() - started).toBeLessThan(MAX_DELAY_MS + 1_500);

    const stillLocked = await attempt(email, PASSWORD, attacker);
    expect(stillLocked).toMatchObject({ ok: false, message: expect.stringMatching(/Too many/) });
  });

  it("a forged X-Forwarded-For does not give new addresses: 60 failures are refused after the per-IP limit", async () => {
    const socket = address();
    const answers = [];
    for (let i = 0; i < 60; i++) {
      // A new account and a new forged header each time: only the socket is shared.
      const forged = `203.0.113.${i}, 198.51.100.${i}`;
      answers.push(await attempt(`nobody-${unique()}@example.test`, "wrong", socket, forged));
    }
    const refused = answers.filter((a) => !a.ok && /Too many/.test(a.message)).length;
    expect(refused).toBe(10);
    // Another address is unaffected.
    const email = await owner();
    expect((await attempt(email, PASSWORD, address(), socket)).ok).toBe(true);
  });
});
