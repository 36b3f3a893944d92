import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // PGlite locates its WebAssembly and data files relative to its own module.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@node-rs/argon2"],
  async headers() {
    return [
      {
        // The dashboard: pages and the routes that serve them. Their Content Security
        // Policy is not here: it carries a nonce that is new for every response, so
        // proxy.ts sets it (lib/content-security-policy.ts).
        source: "/((?!api/v1/|v2/).*)",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      {
        // The APIs answer JSON to programs: nothing in an answer may load, run or be
        // framed. The policy is fixed, with no nonce: proxy.ts does not run for /api and
        // /v2, and the verify fast path (scripts/server.mjs) sends these headers as they
        // are. next-auth's endpoints under /api/auth and /api/health get this policy too
        // (and the dashboard's referrer and permissions policies above); the machine APIs
        // under /api/v1 and /v2 get only this: fewer, shorter headers cost less on the
        // verify path, which sends them on every call.
        source: "/:api(api|v2)/:path*",
        headers: [
          { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
        ],
      },
    ];
  },
};

export default nextConfig;
