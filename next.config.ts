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
        // framed, and the dashboard's page policies (referrer, permissions) do not apply.
        // Fewer, shorter headers also cost less on the verify path, which sends them on
        // every call.
        source: "/:api(api/v1|v2)/:path*",
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
