"use client";

import Link from "next/link";

// Shown when a page fails on the server. Next.js hides the server's message in
// production; /api/health says whether the database is the reason.
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="max-w-md text-sm text-zinc-600">
        Keyplane could not load this page. If it keeps happening, open{" "}
        <a className="underline" href="/api/health">
          /api/health
        </a>{" "}
        to see whether the database is reachable.
        {error.digest ? (
          <span className="block pt-2 font-mono text-xs">Reference: {error.digest}</span>
        ) : null}
      </p>
      <div className="flex gap-3 text-sm">
        <button type="button" onClick={reset} className="font-medium underline">
          Try again
        </button>
        <Link href="/" className="underline">
          Home
        </Link>
      </div>
    </main>
  );
}
