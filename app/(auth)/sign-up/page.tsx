import type { Metadata } from "next";
import Link from "next/link";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { describeInvitation } from "@/lib/tenants/invitations";
import { hasAnyUser } from "@/lib/tenants/onboarding";
import { SignUpForm } from "./_components/sign-up-form";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const invite =
    typeof params.invite === "string" && /^[A-Za-z0-9_-]{20,100}$/.test(params.invite)
      ? params.invite
      : "";
  const invitation = invite ? await describeInvitation(invite) : null;
  const firstAccount = !(await hasAnyUser());
  return (
    <>
      <h1 className="mb-2 text-lg font-semibold">Create your account</h1>
      {invitation ? (
        <p className="mb-6 text-sm text-zinc-600">
          You are joining <strong>{invitation.tenantName}</strong> as {ROLE_LABELS[invitation.role]}
          .
        </p>
      ) : firstAccount ? (
        <p className="mb-6 text-sm text-zinc-600">
          This is the first account on this Keyplane. You will own the organization you create.
        </p>
      ) : (
        <p className="mb-6 text-sm text-zinc-600">
          Create an organization of your own, or ask an owner for an invitation link to join theirs.
        </p>
      )}
      <SignUpForm invite={invitation ? invite : ""} invitedEmail={invitation?.email ?? ""} />
      <p className="mt-6 text-center text-sm text-zinc-600">
        Already have an account?{" "}
        <Link
          href={
            invitation
              ? `/sign-in?callbackUrl=${encodeURIComponent(`/invite/${invite}`)}`
              : "/sign-in"
          }
          className="font-medium text-zinc-900 underline"
        >
          Sign in
        </Link>
      </p>
    </>
  );
}
