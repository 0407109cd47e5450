// npm run bench: end-to-end throughput and latency of the task pipeline on a fresh database.
// Starts its own embedded Postgres (temp folder) and one real worker process with the demo model
// answering at once, creates tasks through createTask + DbosDispatcher from concurrent creators
// (as the web side does), waits for every run to finish, and reads the timings from the database.
// Stops by itself and cleans up (worker, Postgres, temp folder) on success, failure or timeout.
//
//   BENCH_TASKS=1000  BENCH_CONCURRENCY=20  BENCH_TIMEOUT_MS=300000  BENCH_PG_PORT=54430
//   BENCH_WORKER_CONCURRENCY / BENCH_QUEUE_POLL_MS: passed to the worker (unset: the worker's defaults)
//   BENCH_WORKER_NODE_OPTIONS: NODE_OPTIONS for the worker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
import { createConnection } from "node:net";
import { z } from "zod";
import { createDb, type Db } from "../lib/db";
import { DbosDispatcher } from "../lib/engine/dbos/dispatcher";
import { DBOS_SCHEMA } from "../lib/engine/dbos/names";
import { createTask } from "../lib/tasks/create-task";
import { startTestPostgres, type TestPostgres } from "../tests/support/test-postgres";
import { startWorker, type WorkerProcess } from "../tests/support/worker-process";

const optionalInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();
const options = z
  .object({
    BENCH_TASKS: z.coerce.number().int().min(1).max(100_000).default(1000),
    BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
    BENCH_TIMEOUT_MS: z.coerce.number().int().min(10_000).default(300_000),
    // Ports 54430-54439 are the bench's; others belong to running Batons and test suites.
    BENCH_PG_PORT: z.coerce.number().int().min(54430).max(54439).default(54430),
    BENCH_WORKER_CONCURRENCY: optionalInt(1, 1000),
    BENCH_QUEUE_POLL_MS: optionalInt(5, 60_000),
    // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the worker spends its time.
    BENCH_WORKER_NODE_OPTIONS: z.string().optional(),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith("BENCH_") && value !== "")));

const WARMUP_TASKS = 5;
const DEMO = { provider: "demo", model: "scripted" } as const;

interface Resources {
  postgres?: TestPostgres;
  worker?: WorkerProcess;
  db?: Db;
  engine?: DbosDispatcher;
}

async function main(res: Resources): Promise<void> {
  await assertPortFree(options.BENCH_PG_PORT);
  log(`starting Postgres on ${options.BENCH_PG_PORT}`);
  res.postgres = await startTestPostgres(options.BENCH_PG_PORT);
  const url = res.postgres.url;

  const workerEnv: Record<string, string> = { BATON_DEMO_LATENCY_MS: "0" };
  if (options.BENCH_WORKER_CONCURRENCY) workerEnv.BATON_WORKER_CONCURRENCY = String(options.BENCH_WORKER_CONCURRENCY);
  if (options.BENCH_QUEUE_POLL_MS) workerEnv.BATON_QUEUE_POLL_MS = String(options.BENCH_QUEUE_POLL_MS);
  if (options.BENCH_WORKER_NODE_OPTIONS) workerEnv.NODE_OPTIONS = options.BENCH_WORKER_NODE_OPTIONS;
  log("starting the worker");
  res.worker = await startWorker({ databaseUrl: url, workerId: "bench-worker", env: workerEnv });

  res.db = createDb(url);
  res.engine = new DbosDispatcher(url);
  const deps = { db: res.db, engine: res.engine };

  // Warm-up on its own user: connects the pools and lets the worker's queue runner find the queue.
  const warmupUser = await createUser(res.db, "warmup");
  await createTasks(deps, warmupUser, WARMUP_TASKS, WARMUP_TASKS);
  await waitUntilFinished(res, warmupUser, WARMUP_TASKS);

  log(`creating ${options.BENCH_TASKS} tasks from ${options.BENCH_CONCURRENCY} creators`);
  const userId = await createUser(res.db, "bench");
  const createMs = await createTasks(deps, userId, options.BENCH_TASKS, options.BENCH_CONCURRENCY);
  await waitUntilFinished(res, userId, options.BENCH_TASKS);
  report(await readTimings(res.db, userId), createMs);
}

async function createUser(db: Db, name: string): Promise<string> {
  const user = await db.user.create({ data: { email: `${name}-${Date.now()}@bench.invalid`, name }, select: { id: true } });
  return user.id;
}

/** count createTask calls from `creators` concurrent loops; returns each call's duration. */
async function createTasks(deps: { db: Db; engine: DbosDispatcher }, userId: string, count: number, creators: number): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  const creator = async () => {
    while (next < count) {
      const n = next++;
      const started = performance.now();
      await createTask(deps, { userId, title: `Bench task ${n}`, prompt: `Summarise item ${n} in one line.`, ...DEMO });
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(creators, count) }, creator));
  return durations;
}

async function waitUntilFinished(res: Resources, userId: string, count: number): Promise<void> {
  for (;;) {
    const child = res.worker!.child;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the worker exited:\n${res.worker!.output()}`);
    const finished = await res.db!.run.count({ where: { task: { userId }, status: { in: ["completed", "failed", "canceled"] } } });
    if (finished >= count) return;
    await sleep(50);
  }
}

interface Timing {
  created: number;
  running: number | null;
  finished: number | null;
  status: string;
  enqueued: number | null;
  dequeued: number | null;
}

/** Per task: created (tasks), running/finished (runs), enqueued/dequeued (DBOS's workflow_status). */
async function readTimings(db: Db, userId: string): Promise<Timing[]> {
  const rows = await db.$queryRawUnsafe<
    { created: Date; running: Date | null; finished: Date | null; status: string; enqueued: bigint | null; dequeued: bigint | null }[]
  >(
    `SELECT t.created_at AS created, r.started_at AS running, r.finished_at AS finished, r.status::text AS status,
            w.created_at AS enqueued, w.started_at_epoch_ms AS dequeued
       FROM tasks t JOIN runs r ON r.task_id = t.id
       LEFT JOIN "${DBOS_SCHEMA}".workflow_status w ON w.workflow_uuid = r.id::text
      WHERE t.user_id = $1::uuid`,
    userId,
  );
  return rows.map((row) => ({
    created: row.created.getTime(),
    running: row.running?.getTime() ?? null,
    finished: row.finished?.getTime() ?? null,
    status: row.status,
    enqueued: row.enqueued === null ? null : Number(row.enqueued),
    dequeued: row.dequeued === null ? null : Number(row.dequeued),
  }));
}

function report(timings: Timing[], createMs: number[]): void {
  const completed = timings.filter((t) => t.status === "completed");
  const failed = timings.filter((t) => t.status === "failed").length;
  const firstCreate = Math.min(...timings.map((t) => t.created));
  const lastFinish = Math.max(...completed.map((t) => t.finished ?? 0));
  const spanSeconds = (lastFinish - firstCreate) / 1000;
  const span = (from: keyof Timing, to: keyof Timing) =>
    completed.flatMap((t) => (t[from] !== null && t[to] !== null ? [Number(t[to]) - Number(t[from])] : []));

  const worker = options.BENCH_WORKER_CONCURRENCY ?? "default";
  const poll = options.BENCH_QUEUE_POLL_MS ?? "default";
  console.log(
    `\nBaton bench: ${timings.length} tasks, ${options.BENCH_CONCURRENCY} creators, worker concurrency ${worker}, queue poll ${poll} ms, demo latency 0 ms`,
  );
  console.log(`  throughput          ${(completed.length / spanSeconds).toFixed(1)} tasks/s  (${spanSeconds.toFixed(2)} s first create -> last completion)`);
  console.log(`  completed / failed  ${completed.length} / ${failed}  (other: ${timings.length - completed.length - failed})`);
  console.log(`  ${"latency (ms)".padEnd(26)}${"p50".padStart(8)}${"p99".padStart(8)}${"max".padStart(8)}`);
  const row = (label: string, values: number[]) => {
    const cell = (q: number) => (values.length ? percentile(values, q).toFixed(0) : "-").padStart(8);
    console.log(`  ${label.padEnd(26)}${cell(0.5)}${cell(0.99)}${cell(1)}`);
  };
  row("create -> running", span("created", "running"));
  row("create -> completed", span("created", "finished"));
  row("createTask call", createMs);
  console.log("  where the time goes:");
  row("  task row -> enqueued", span("created", "enqueued"));
  row("  enqueued -> dequeued", span("enqueued", "dequeued"));
  row("  dequeued -> running", span("dequeued", "running"));
  row("  running -> completed", span("running", "finished"));
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A server already on the port would be reused by startEmbeddedPostgres: the bench wants a fresh one. */
async function assertPortFree(port: number): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
  if (inUse) throw new Error(`port ${port} is in use; set BENCH_PG_PORT to another port in 54430-54439`);
}

async function cleanUp(res: Resources): Promise<void> {
  const bounded = (what: string, work: () => Promise<unknown>, ms = 15_000) =>
    Promise.race([work(), sleep(ms).then(() => Promise.reject(new Error("timed out")))]).catch((error: unknown) =>
      log(`clean-up: ${what} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  await Promise.all([res.engine && bounded("dispatcher", () => res.engine!.close()), res.db && bounded("db", () => res.db!.$disconnect())]);
  if (res.worker) {
    const worker = res.worker;
    await bounded("worker", () => worker.kill("SIGTERM"), 10_000);
    if (worker.child.exitCode === null && worker.child.signalCode === null) await bounded("worker", () => worker.kill("SIGKILL"));
  }
  if (res.postgres) await bounded("postgres", () => res.postgres!.destroy(), 30_000);
}

function log(line: string): void {
  console.error(`[bench] ${line}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const resources: Resources = {};
let exiting = false;
async function finish(code: number, reason?: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (reason) log(reason);
  await cleanUp(resources);
  process.exit(code);
}
setTimeout(() => void finish(1, `timed out after ${options.BENCH_TIMEOUT_MS} ms`), options.BENCH_TIMEOUT_MS);
process.on("SIGINT", () => void finish(130, "interrupted"));
process.on("SIGTERM", () => void finish(143, "terminated"));
main(resources).then(
  () => finish(0),
  (error: unknown) => finish(1, `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
);
