// Prisma CLI configuration. The app itself connects through lib/db.ts; migrations run offline
// through scripts/db.ts (WASM schema engine), and `prisma migrate deploy` also works where the
// native engine is available.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres:baton@127.0.0.1:54329/baton" },
});
