import type { Metadata } from "next";
import Link from "next/link";
import { SectionCard } from "@/components/ui/section-card";
import { requireUser } from "@/lib/auth/session";
import { listActiveSessions } from "@/lib/auth/sessions";
import { ChangePasswordForm } from "./_components/change-password-form";
import { SessionList } from "./_components/session-list";
import { SignOutEverywhereButton } from "./_components/sign-out-everywhere-button";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  const sessions = await listActiveSessions(user.id);
  return (
    <main className="mx-auto max-w-2xl space-y-6 px-4 py-10">
      <div>
        <Link href="/" className="text-sm text-zinc-600 hover:underline">
          ← Back to the dashboard
        </Link>
        <h1 className="mt-4 text-2xl font-semibold">Account</h1>
        <p className="mt-1 text-sm text-zinc-600">
          {user.name} · {user.email}
        </p>
      </div>
      <SectionCard
        id="password"
        title="Change password"
        description="Every other session of your account is signed out; this browser stays signed in."
      >
        <ChangePasswordForm />
      </SectionCard>
      <SectionCard
        id="sessions"
        title="Sessions"
        description="Browsers signed in to your account. Sign out any you do not recognise."
      >
        <SessionList
          currentSessionId={user.sessionId}
          sessions={sessions.map((s) => ({
            id: s.id,
            createdAt: s.createdAt.toISOString(),
            lastSeenAt: s.lastSeenAt.toISOString(),
            userAgent: s.userAgent,
            ip: s.ip,
          }))}
        />
        <div className="mt-6 border-t border-zinc-200 pt-4">
          <SignOutEverywhereButton />
        </div>
      </SectionCard>
    </main>
  );
}
