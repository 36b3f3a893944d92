import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { hasAnyUser } from "@/lib/tenants/onboarding";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

// Only same-site paths may be used as a post-sign-in destination (no open redirect).
function safeCallback(value: string | string[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  // "//host" and "/\\host" are read by browsers as another origin.
  return path?.startsWith("/") && !path.startsWith("//") && !path.includes("\\") ? path : "/";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallback(params.callbackUrl);
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
