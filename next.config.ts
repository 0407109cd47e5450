import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native bits, WASM or their own worker threads stay out of the bundle.
  serverExternalPackages: ["@dbos-inc/dbos-sdk", "pg", "@prisma/adapter-pg", "sanitize-html", "imapflow", "mailparser", "nodemailer"],
  poweredByHeader: false,
  // `npm run typecheck` (part of `npm test`) checks the whole project, tests included; the build
  // behind `npm start` must not refuse to serve the app over a type error in a test file.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        // The service worker is checked for updates on every visit; a cached copy would keep an old
        // worker (and its caching rules) in charge of the app.
        source: "/sw.js",
        headers: [
          { key: "Cache-Control", value: "no-cache, no-store, must-revalidate" },
          { key: "Content-Type", value: "application/javascript; charset=utf-8" },
          { key: "Service-Worker-Allowed", value: "/" },
        ],
      },
    ];
  },
};

export default nextConfig;
