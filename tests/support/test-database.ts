// A database of its own on the suite's shared server, for a file whose engine, owners or queue must
// not meet other files' rows. Files that stop or kill Postgres itself start a server instead.
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { databaseUrlFor, runOnServer, TEMPLATE_DATABASE } from "./test-postgres";

export interface TestDatabase {
  url: string;
  destroy(): Promise<void>;
}

export async function testDatabase(label: string): Promise<TestDatabase> {
  const name = `test_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomUUID().slice(0, 8)}`;
  const serverUrl = inject("databaseUrl");
  await runOnServer(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`);
  return {
    url: databaseUrlFor(serverUrl, name),
    destroy: () => runOnServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
