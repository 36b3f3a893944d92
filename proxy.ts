import { type NextRequest, NextResponse } from "next/server";
import { buildPagePolicy, createNonce, isDevelopment } from "@/lib/content-security-policy";

// Runs before every page is rendered: a fresh nonce per request, in the policy that goes
// to the browser and in the request's own Content-Security-Policy header, where Next.js
// finds it and puts it on the scripts it renders (lib/content-security-policy.ts).
export function proxy(request: NextRequest) {
  const policy = buildPagePolicy(createNonce(), { development: isDevelopment() });
  const requestHeaders = new Headers(request.headers);
  // Set, not appended: a policy the client sent can never choose the nonce.
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Not for the APIs under /api and /v2: they serve no page that runs script (JSON to
  // programs, and next-auth's endpoints), keep a fixed `default-src 'none'` policy from
  // next.config.ts, and the verify routes among them are answered by scripts/server.mjs
  // before Next.js (and so before any proxy) runs; a proxy there would also cost every
  // call of the hot path. Not for Next.js's static files either, which are scripts,
  // styles and images rather than documents.
  matcher: ["/((?!api/|v2/|_next/static/|_next/image|favicon.ico).*)"],
};
