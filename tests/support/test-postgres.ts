// A real PostgreSQL for tests: the embedded server in a throwaway folder on its own port, so tests
// never touch the data of a running Baton.
// Test ports (254xx, 3100-3101) sit below 32768, outside Linux's ephemeral range: an outgoing
// connection's local port can never hold one (a CI run found 127.0.0.1:54478 taken that way).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createConnection } from "node:net";
import path from "node:path";
import { startEmbeddedPostgres, type RunningPostgres } from "@/lib/database/embedded-postgres";
import { removeRelocatedData } from "@/lib/database/postgres-install";
import { prepareDatabase } from "@/lib/database/prepare-database";
import pg from "pg";

export interface TestPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts the same data folder again after stop(). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startTestPostgres(port: number): Promise<TestPostgres> {
  await assertPortFree(port);
  const dataDir = mkdtempSync(path.join(tmpdir(), "baton-test-pg-"));
  let server: RunningPostgres | undefined = await startEmbeddedPostgres({ dataDir, port });
  assertLocalDatabase(server.url);
  await prepareDatabase(server.url);
  return {
    url: server.url,
    port,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server = await startEmbeddedPostgres({ dataDir, port });
    },
    async destroy() {
      await server?.stop();
      removeRelocatedData(path.join(dataDir, "postgres"));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Tests create and delete rows freely: refuse anything but a server on this machine. */
export function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`Refusing to run tests against non-local database host ${host}`);
  }
}

/** Migrated once by the global setup; test files copy it (test-database.ts) rather than migrating again. */
export const TEMPLATE_DATABASE = "baton_template";

export async function createTemplateDatabase(serverUrl: string): Promise<void> {
  await runOnServer(serverUrl, `DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
  await runOnServer(serverUrl, `CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  await prepareDatabase(databaseUrlFor(serverUrl, TEMPLATE_DATABASE));
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs one statement from the server's maintenance database (CREATE/DROP DATABASE cannot run inside the target). */
export async function runOnServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, "postgres") });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * startEmbeddedPostgres reuses a server it finds on its port (what `npm start` wants after a
 * crash); a test run must not: a server left over from another run holds that run's rows and
 * secrets sealed with that checkout's key.
 */
async function assertPortFree(port: number): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
  if (inUse) throw new Error(`Port ${port} is in use (a Postgres left running by another test run?): stop it, or choose another port.`);
}
