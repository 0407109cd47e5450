// Runs the real worker (`scripts/run-worker.mjs`) as a child process, as `npm start` does, so tests can
// kill -9 it and start it again.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface WorkerOptions {
  databaseUrl: string;
  workerId: string;
  modelBaseUrl?: string;
  env?: Record<string, string>;
  /** Flags for Node itself (the bench's --cpu-prof, which NODE_OPTIONS may not carry). */
  nodeArgs?: string[];
  /** False: the worker's own queue poll, not the tests' 20 ms one. */
  fastPoll?: boolean;
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "..", "..");

export async function startWorker(options: WorkerOptions): Promise<WorkerProcess> {
  // The worker's own launcher, in this one process (no CLI wrapper whose SIGKILL would orphan the
  // real worker and leave a "crashed" one running).
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "scripts/run-worker.mjs"], {
    cwd: root,
    env: {
      NODE_ENV: "test",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: options.databaseUrl,
      BATON_WORKER_ID: options.workerId,
      ...(options.fastPoll === false ? {} : { BATON_QUEUE_POLL_MS: "20" }),
      ...(options.modelBaseUrl
        ? { BATON_MODEL_PROVIDER: "openai", OPENAI_API_KEY: "sk-test-not-a-real-key-000000", OPENAI_BASE_URL: options.modelBaseUrl }
        : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes("ready (concurrency")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    kill: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
