// Creates DBOS's own tables (schema "dbos") before anything enqueues, so the web side can dispatch
// even before the first worker has launched. Same migrations as `npx dbos schema`.
import { createRequire } from "node:module";
import path from "node:path";
import { DBOS_SCHEMA } from "./names";

type MigrateSystemDatabase = (url: string, logger: Record<"info" | "warn" | "error" | "debug", (message: unknown) => void>, schemaName: string) => Promise<void>;

export async function migrateDbosSchema(databaseUrl: string): Promise<void> {
  const require = createRequire(import.meta.url);
  // Not in the package's exports; the CLI's `schema` command calls this same function.
  const systemDatabase = require(path.join(path.dirname(require.resolve("@dbos-inc/dbos-sdk")), "system_database.js")) as {
    migrateSystemDatabase: MigrateSystemDatabase;
  };
  const quiet = () => {};
  await systemDatabase.migrateSystemDatabase(databaseUrl, { info: quiet, debug: quiet, warn: console.warn, error: console.error }, DBOS_SCHEMA);
}
