// The dashboard's Content Security Policy, built per request around a fresh nonce by
// proxy.ts. Next.js reads the nonce from the policy in the request's headers and puts it
// on every script it renders (its runtime, the page's bundles, the inline scripts that
// carry the server-rendered data); a script without it does not run, so markup injected
// into a page cannot run script even if it reaches the page unescaped.
//
// Choices, each for a reason:
// - script-src has no 'unsafe-inline': that is the point of the nonce.
// - No 'strict-dynamic': every script Keyplane loads is its own and comes from this
//   origin, so 'self' already allows the chunks Next.js loads on demand. With
//   'strict-dynamic' a script element that any running script creates may load from any
//   host, and 'self' would be ignored; without it, nothing outside this origin and the
//   nonce ever runs. This origin serves no user content as script: its APIs answer JSON
//   and CSV with X-Content-Type-Options: nosniff, which browsers refuse to run.
// - style-src keeps 'unsafe-inline' (and so carries no nonce, which would switch it off):
//   React server-renders `style` attributes (bar widths in the keys table and charts),
//   Recharts sets them, and the toast library inserts its stylesheet as a <style> element
//   at runtime; a nonce cannot cover attributes, and that library takes none. CSS cannot
//   run script, and img-src, font-src and connect-src keep it from loading anything from
//   another host, so injected CSS cannot send what it reads anywhere.
// - 'unsafe-eval' only in development, where React rebuilds server error stacks with eval.

/** A nonce of 128 random bits, base64: unguessable, and fresh for every response. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const BASE64 = /^[A-Za-z0-9+/]{22}==$/;

/** The page policy for one response, allowing the scripts that carry `nonce`. */
export function buildPagePolicy(nonce: string, { development = false } = {}): string {
  // The nonce is written into a header: anything but what createNonce makes is refused,
  // so no caller can smuggle a directive in through it.
  if (!BASE64.test(nonce)) throw new Error("A CSP nonce must be 16 random bytes in base64.");
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    // No page sets a <base>; an injected one could point relative script URLs elsewhere.
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** Whether the server runs in development mode (`next dev`). */
export function isDevelopment(): boolean {
  return process.env.NODE_ENV === "development";
}
