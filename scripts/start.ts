// npm start: the whole of Baton in one command. Starts the embedded Postgres (unless DATABASE_URL
// names another), applies migrations, builds the web app if its sources changed, then runs the
// web server and one worker, restarting the worker if it dies. Ctrl-C stops everything cleanly.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { prepareDatabase } from "../lib/database/prepare-database";
import { openDatabase } from "../lib/database/open-database";
import { configuredModels } from "../lib/agent/providers/registry";
import { ensureOwnerFromEnv, ownerExists } from "../lib/auth/owner-setup";
import { createDb } from "../lib/db";
import { env, usesEmbeddedPostgres } from "../lib/env";
import { keyring } from "../lib/secrets/keyring";
import { assertSecretsReadable } from "../lib/secrets/secret-store";

const dev = process.argv.includes("--dev");
const bin = (name: string) => path.join(process.cwd(), "node_modules", ".bin", name);
const say = (line: string) => console.log(`[baton] ${line}`);

/**
 * Ctrl-C signals the terminal's whole foreground process group, Postgres included, which would
 * then stop before the web server and worker using it. So the real work runs in a process group of
 * its own, and this front process turns Ctrl-C into one orderly stop.
 */
function runDetached(): void {
  const supervisor = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: "inherit",
    env: { ...process.env, BATON_SUPERVISOR: "1" },
  });
  const forward = () => supervisor.kill("SIGTERM");
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  supervisor.on("exit", (code) => process.exit(code ?? 1));
}

async function main(): Promise<void> {
  const config = env();
  say(usesEmbeddedPostgres() ? `starting the embedded Postgres in ${config.BATON_DATA_DIR}/postgres` : "using DATABASE_URL");
  const database = await openDatabase({ log: () => {}, note: say });
  const applied = await prepareDatabase(database.url);
  if (applied.length) say(`applied migrations: ${applied.join(", ")}`);
  const owner = await withDb(database.url, ensureOwnerFromEnv);
  // Before anything starts: a key that cannot open the stored secrets is one line saying what to do.
  say(`secret store key: ${keyring().source === "key file" ? `${config.BATON_DATA_DIR}/secret.key` : "BATON_SECRET_KEY"} (${keyring().current.id})`);
  await withDb(database.url, assertSecretsReadable);
  if (owner === "created") say(`created the owner account ${config.BATON_OWNER_EMAIL}`);
  if (!dev && buildIsStale()) {
    say("building the web app (the first start takes a minute)");
    await runToEnd(bin("next"), ["build"]);
  }

  const childEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXT_TELEMETRY_DISABLED: "1",
    // next-auth builds its URLs from NEXTAUTH_URL, or from the Host header when trusted; proxy.ts
    // refuses any Host that is not this machine or BATON_PUBLIC_URL's, so trusting it is safe.
    ...(config.BATON_PUBLIC_URL ? { NEXTAUTH_URL: config.BATON_PUBLIC_URL } : { AUTH_TRUST_HOST: "1" }),
  };
  const port = String(config.PORT);
  const webArgs = ["scripts/web-server.ts", ...(dev ? ["--dev"] : []), config.BATON_HOST, port];
  let stopping = false;
  const children = new Set<ChildProcess>();

  const launch = (name: string, command: string, args: string[], onExit: (code: number | null) => void) => {
    const child = spawn(command, args, { env: childEnv, stdio: "inherit", detached: true });
    children.add(child);
    child.on("exit", (code) => {
      children.delete(child);
      if (!stopping) onExit(code);
    });
    return child;
  };

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping");
    for (const child of children) child.kill("SIGTERM");
    const deadline = Date.now() + 15_000;
    while (children.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const child of children) child.kill("SIGKILL");
    await database.close().catch(() => {});
    say("stopped");
    process.exit(code);
  };

  launch("web", bin("tsx"), webArgs, (code) => {
    console.error(`[baton] the web server exited (${code}); stopping. Is port ${port} already in use? Set PORT to use another.`);
    void stop(1);
  });
  const recentWorkerExits: number[] = [];
  const startWorker = () =>
    launch("worker", process.execPath, ["scripts/run-worker.mjs"], (code) => {
      const now = Date.now();
      recentWorkerExits.push(now);
      while (recentWorkerExits[0]! < now - 60_000) recentWorkerExits.shift();
      if (recentWorkerExits.length > 5) {
        console.error("[baton] the worker keeps exiting; stopping. See its messages above.");
        void stop(1);
        return;
      }
      say(`the worker exited (${code}); restarting it`);
      setTimeout(startWorker, 1000);
    });
  startWorker();

  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  // If the front process is killed outright, stop rather than linger without a terminal.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(1);
  }, 1000).unref();
  const localHost = ["0.0.0.0", "::"].includes(config.BATON_HOST) ? "127.0.0.1" : config.BATON_HOST;
  await waitForHealth(`http://${localHost.includes(":") ? `[${localHost}]` : localHost}:${port}/api/health`);
  const origin = config.BATON_PUBLIC_URL ?? `http://127.0.0.1:${port}`;
  say(`ready at ${origin} - press Ctrl-C to stop`);
  const [model] = await withDb(database.url, (client) => configuredModels(client));
  say(model ? `model: ${model.label}: change it at ${origin}/models` : `model: demo model (scripted, no AI): set one up at ${origin}/models`);
  if (owner === "not-configured" && !(await hasOwner(database.url))) say("first start: open it to create the owner's account");
}

async function hasOwner(url: string): Promise<boolean> {
  return withDb(url, ownerExists);
}

async function withDb<T>(url: string, work: (client: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const client = createDb(url);
  return work(client).finally(() => client.$disconnect());
}

function runToEnd(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.join(" ")} failed (${code})`))));
  });
}

/** True when there is no build, or a source file is newer than it. */
function buildIsStale(): boolean {
  const buildId = path.join(".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "public", "next.config.ts", "package-lock.json", "prisma/schema.prisma"];
  return sources.some((source) => newestMtime(source) > builtAt);
}

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === "generated" || entry === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

if (process.env.BATON_SUPERVISOR) {
  main().catch(failed);
} else {
  runDetached();
}

function failed(error: unknown): never {
  const message = error instanceof Error ? error.message : error ? String(error) : "";
  const hint = usesEmbeddedPostgres() ? ` (is port ${env().BATON_PG_PORT} taken by another Postgres? see ${env().BATON_DATA_DIR}/postgres)` : "";
  console.error(`[baton] could not start: ${message || `the database did not start${hint}`}`);
  process.exit(1);
}
