// npm run bench: end-to-end throughput and latency of the task pipeline on a fresh database.
// Starts its own embedded Postgres (temp folder) and one real worker process with the demo model
// (answering at once unless told otherwise), creates tasks through createTask + DbosDispatcher
// from concurrent creators (as the web side does), waits for every run to finish, and reads the
// timings from the database. Stops by itself and cleans up (worker, Postgres, temp folder) on
// success, failure, timeout or Ctrl-C.
//
//   BENCH_TASKS=1000  BENCH_CONCURRENCY=20  BENCH_TIMEOUT_MS=300000  BENCH_PG_PORT=25430
//   BENCH_RATE: offer this many tasks per second instead of all at once (start latency without a backlog)
//   BENCH_WORKER_CONCURRENCY=50  BENCH_QUEUE_POLL_MS=50: the worker's settings
//   BENCH_DEMO_LATENCY_MS=0: how long the demo model takes to answer
import { readdirSync, readFileSync } from "node:fs";
import { z } from "zod";
import { DEMO_CHOICE } from "../lib/agent/providers/registry";
import { createDb, type Db } from "../lib/db";
import { DbosDispatcher } from "../lib/engine/dbos/dispatcher";
import { DBOS_SCHEMA } from "../lib/engine/dbos/names";
import { createTask } from "../lib/tasks/create-task";
import { startTestPostgres, type TestPostgres } from "../tests/support/test-postgres";
import { startWorker, type WorkerProcess } from "../tests/support/worker-process";

const options = z
  .object({
    BENCH_TASKS: z.coerce.number().int().min(1).max(100_000).default(1000),
    BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
    // Tasks per second to offer (open loop); unset: as fast as the creators go.
    BENCH_RATE: z.coerce.number().positive().optional(),
    BENCH_TIMEOUT_MS: z.coerce.number().int().min(10_000).default(300_000),
    // Ports 25430-25439 are the bench's; others belong to running Batons and test suites.
    BENCH_PG_PORT: z.coerce.number().int().min(25430).max(25439).default(25430),
    // The worker's own defaults (lib/env.ts), passed explicitly: startWorker would otherwise set its test value.
    BENCH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
    BENCH_QUEUE_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(50),
    // How long the demo model "thinks"; 0 measures Baton's own overhead.
    BENCH_DEMO_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith("BENCH_") && value !== "")));

const WARMUP_TASKS = 5;
const DEMO = { provider: DEMO_CHOICE.provider, model: DEMO_CHOICE.model };

interface Resources {
  postgres?: TestPostgres;
  worker?: WorkerProcess;
  db?: Db;
  engine?: DbosDispatcher;
}

async function main(res: Resources): Promise<void> {
  log(`starting Postgres on ${options.BENCH_PG_PORT}`);
  res.postgres = await startTestPostgres(options.BENCH_PG_PORT);
  const url = res.postgres.url;

  const workerEnv: Record<string, string> = {
    BATON_DEMO_LATENCY_MS: String(options.BENCH_DEMO_LATENCY_MS),
    BATON_WORKER_CONCURRENCY: String(options.BENCH_WORKER_CONCURRENCY),
    BATON_QUEUE_POLL_MS: String(options.BENCH_QUEUE_POLL_MS),
  };
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
  const cpuBefore = cpuSnapshot(res.worker.child.pid);
  const createMs = await createTasks(deps, userId, options.BENCH_TASKS, options.BENCH_CONCURRENCY, options.BENCH_RATE);
  await waitUntilFinished(res, userId, options.BENCH_TASKS);
  const cpuAfter = cpuSnapshot(res.worker.child.pid);
  report(await readTimings(res.db, userId), createMs, cpuBefore && cpuAfter ? cpuDelta(cpuBefore, cpuAfter) : undefined);
}

async function createUser(db: Db, name: string): Promise<string> {
  const user = await db.user.create({ data: { email: `${name}-${Date.now()}@bench.invalid`, name }, select: { id: true } });
  return user.id;
}

/** count createTask calls from `creators` concurrent loops, paced at `rate` per second if given; returns each call's duration. */
async function createTasks(deps: { db: Db; engine: DbosDispatcher }, userId: string, count: number, creators: number, rate?: number): Promise<number[]> {
  const durations: number[] = [];
  const begin = performance.now();
  let next = 0;
  const creator = async () => {
    while (next < count) {
      const n = next++;
      if (rate) await sleep(begin + (n * 1000) / rate - performance.now());
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
    await sleep(100);
  }
}

interface Timing {
  created: number;
  running: number | null;
  finished: number | null;
  status: string;
  enqueued: number | null;
  dequeued: number | null;
  error: string | null;
}

/** Per task: created (tasks), running/finished (runs), enqueued/dequeued (DBOS's workflow_status). */
async function readTimings(db: Db, userId: string): Promise<Timing[]> {
  const rows = await db.$queryRawUnsafe<
    { created: Date; running: Date | null; finished: Date | null; status: string; enqueued: bigint | null; dequeued: bigint | null; error: string | null }[]
  >(
    `SELECT t.created_at AS created, r.started_at AS running, r.finished_at AS finished, r.status::text AS status,
            w.created_at AS enqueued, w.started_at_epoch_ms AS dequeued, r.error
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
    error: row.error,
  }));
}

function report(timings: Timing[], createMs: number[], cpu?: CpuSeconds): void {
  const completed = timings.filter((t) => t.status === "completed");
  const failed = timings.filter((t) => t.status === "failed");
  const firstCreate = Math.min(...timings.map((t) => t.created));
  const lastFinish = Math.max(...completed.map((t) => t.finished ?? 0));
  const spanSeconds = (lastFinish - firstCreate) / 1000;
  const span = (from: keyof Timing, to: keyof Timing) =>
    completed.flatMap((t) => (t[from] !== null && t[to] !== null ? [Number(t[to]) - Number(t[from])] : []));
  const row = (label: string, values: number[]) => {
    const cell = (q: number) => (values.length ? percentile(values, q).toFixed(0) : "-").padStart(8);
    console.log(`  ${label.padEnd(24)}${cell(0.5)}${cell(0.99)}${cell(1)}`);
  };

  const offered = options.BENCH_RATE ? ` offered at ${options.BENCH_RATE}/s` : "";
  console.log(
    `\nBaton bench: ${timings.length} tasks from ${options.BENCH_CONCURRENCY} creators${offered}; worker concurrency ` +
      `${options.BENCH_WORKER_CONCURRENCY}, queue poll ${options.BENCH_QUEUE_POLL_MS} ms; demo model latency ${options.BENCH_DEMO_LATENCY_MS} ms`,
  );
  const counts = `${completed.length} completed, ${failed.length} failed, ${timings.length - completed.length - failed.length} other`;
  const throughput = completed.length
    ? `${(completed.length / spanSeconds).toFixed(1)} tasks/s  (${counts}; ${spanSeconds.toFixed(2)} s first create -> last completion)`
    : `none completed  (${counts})`;
  console.log(`  throughput              ${throughput}`);
  if (failed[0]) console.log(`  first failure           ${failed[0].error ?? "(no reason recorded)"}`);
  console.log(`  ${"latency (ms)".padEnd(24)}${"p50".padStart(8)}${"p99".padStart(8)}${"max".padStart(8)}`);
  row("create -> running", span("created", "running"));
  row("create -> completed", span("created", "finished"));
  row("createTask call", createMs);
  row("  task row -> enqueued", span("created", "enqueued"));
  row("  enqueued -> dequeued", span("enqueued", "dequeued"));
  row("  dequeued -> running", span("dequeued", "running"));
  row("  running -> completed", span("running", "finished"));
  if (cpu) {
    const perTask = (seconds: number) => ((seconds * 1000) / timings.length).toFixed(1);
    const total = cpu.creators + cpu.worker + cpu.postgres;
    console.log(
      `  CPU per task            ${perTask(total)} ms = creators ${perTask(cpu.creators)} + worker ${perTask(cpu.worker)} + postgres ${perTask(cpu.postgres)}`,
    );
  }
}

// CPU time by process, from /proc (Linux; skipped elsewhere): says what each task costs whatever
// else the machine is doing, which the wall-clock figures above cannot.
interface CpuSeconds {
  creators: number;
  worker: number;
  postgres: number;
}

function cpuSnapshot(workerPid: number | undefined): CpuSeconds | undefined {
  try {
    const procs = readdirSync("/proc").flatMap((entry) => (/^\d+$/.test(entry) ? [readProc(Number(entry))] : [])).filter((p) => p !== undefined);
    const postmaster = procs.find((p) => p.cmdline.includes("postgres") && p.cmdline.includes(` -p ${options.BENCH_PG_PORT} `));
    const usage = process.cpuUsage();
    return {
      creators: (usage.user + usage.system) / 1e6,
      worker: workerPid ? treeSeconds(procs, workerPid) : 0,
      postgres: postmaster ? treeSeconds(procs, postmaster.pid) : 0,
    };
  } catch {
    return undefined;
  }
}

function cpuDelta(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return { creators: after.creators - before.creators, worker: after.worker - before.worker, postgres: after.postgres - before.postgres };
}

interface ProcStat {
  pid: number;
  ppid: number;
  cmdline: string;
  /** Own CPU seconds, plus those of children it has already reaped. */
  seconds: number;
}

function readProc(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state ppid ... utime(12) stime(13) cutime(14) cstime(15), in clock ticks.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
    const ticks = fields[11]! + fields[12]! + fields[13]! + fields[14]!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return { pid, ppid: fields[1]!, cmdline, seconds: ticks / 100 };
  } catch {
    return undefined; // exited meanwhile
  }
}

function treeSeconds(procs: ProcStat[], root: number): number {
  const children = (pid: number): ProcStat[] => procs.filter((p) => p.ppid === pid);
  let total = 0;
  const stack = procs.filter((p) => p.pid === root);
  while (stack.length) {
    const proc = stack.pop()!;
    total += proc.seconds;
    stack.push(...children(proc.pid));
  }
  return total;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
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
