import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { appOrigin } from "@/lib/auth/app-origin";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { getSessionUser } from "@/lib/auth/session";
import { hasAnyUser } from "@/lib/tenants/onboarding";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  // Only a path on this origin may be a post-sign-in destination (no open redirect).
  const callbackUrl = safeCallbackPath(params.callbackUrl, await appOrigin());
  if (await getSessionUser()) redirect(callbackUrl);
  if (!(await hasAnyUser())) redirect("/sign-up");
  return (
    <>
      <h1 className="mb-6 text-lg font-semibold">Sign in</h1>
      <SignInForm callbackUrl={callbackUrl} />
      <p className="mt-6 text-center text-sm text-zinc-600">
        No account?{" "}
        <Link href="/sign-up" className="font-medium text-zinc-900 underline">
          Create one
        </Link>
      </p>
    </>
  );
}
