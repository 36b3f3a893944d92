"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { DATABASE_UNAVAILABLE_DIGEST, errorPageText } from "@/lib/db/errors";

// Shown when a page fails on the server. Next.js hides the server's message in
// production but keeps the error's digest: lib/auth/session.ts gives "database
// unreachable" a digest of its own, so that case says so instead of a generic failure.
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const router = useRouter();
  const [retrying, startRetry] = useTransition();
  const text = errorPageText(error.digest);
  // reset() alone re-renders the client side only; refreshing asks the server again.
  const retry = () =>
    startRetry(() => {
      router.refresh();
      reset();
    });
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="text-2xl font-semibold">{text.title}</h1>
      <p className="max-w-md text-sm text-zinc-600" role="alert">
        {text.detail}
        {error.digest && error.digest !== DATABASE_UNAVAILABLE_DIGEST ? (
          <span className="block pt-2 font-mono text-xs">Reference: {error.digest}</span>
        ) : null}
      </p>
      <div className="flex gap-3 text-sm">
        <button type="button" onClick={retry} disabled={retrying} className="font-medium underline">
          {retrying ? "Trying again…" : "Try again"}
        </button>
        <Link href="/" className="underline">
          Home
        </Link>
      </div>
    </main>
  );
}
