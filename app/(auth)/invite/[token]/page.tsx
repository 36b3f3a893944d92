import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { getSessionUser } from "@/lib/auth/session";
import { describeInvitation } from "@/lib/tenants/invitations";
import { AcceptInvitationForm } from "./_components/accept-invitation-form";

export const metadata: Metadata = { title: "Invitation" };

const UNUSABLE: Record<string, string> = {
  accepted: "This invitation has already been used.",
  revoked: "This invitation was withdrawn.",
  expired: "This invitation has expired. Ask the person who invited you for a new link.",
};

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await describeInvitation(token) : null;
  if (!invitation) {
    return (
      <>
        <h1 className="mb-2 text-lg font-semibold">Invitation not found</h1>
        <p className="text-sm text-zinc-600">
          This invitation link is not valid. Check that you copied all of it.
        </p>
      </>
    );
  }
  const problem = UNUSABLE[invitation.state];
  const user = await getSessionUser();
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold">Join {invitation.tenantName}</h1>
      <p className="mb-6 text-sm text-zinc-600">
        You are invited as <strong>{ROLE_LABELS[invitation.role]}</strong>
        {invitation.email ? ` (for ${invitation.email})` : ""}.
      </p>
      {problem ? (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {problem}
        </p>
      ) : user ? (
        <AcceptInvitationForm token={token} email={user.email} />
      ) : (
        <div className="flex flex-col gap-2">
          <Link href={`/sign-up?invite=${token}`} className={buttonClasses("primary")}>
            Create an account to join
          </Link>
          <Link
            href={`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}
            className={buttonClasses("secondary")}
          >
            I already have an account
          </Link>
        </div>
      )}
    </>
  );
}
