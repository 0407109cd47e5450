// npm run bench: end-to-end throughput and latency of the task pipeline on a fresh database.
// Starts its own embedded Postgres (temp folder) and one real worker process with the demo model
// (answering at once unless told otherwise), creates tasks through createTask + DbosDispatcher
// from concurrent creators (as the web side does), waits for every run to finish, and reads the
// timings from the database. Stops by itself and cleans up (worker, Postgres, temp folder) on
// success, failure, timeout or Ctrl-C.
//
//   BENCH_TASKS=1000  BENCH_CONCURRENCY=20  BENCH_TIMEOUT_MS=300000  BENCH_PG_PORT=25430
//   BENCH_RATE: offer this many tasks per second instead of all at once (start latency without a backlog)
//   BENCH_WORKER_CONCURRENCY=50  BENCH_QUEUE_POLL_MS=50: the worker's and the raw ceiling's settings
//   BENCH_DEMO_LATENCY_MS=0: how long the demo model takes to answer
//   BENCH_TOP_STATEMENTS=0: also print the statements Baton's burst ran most often, per task
//   BENCH_INBOX_TASKS=10000: then time the inbox's first page with this many tasks (0: skip)
import { loadavg } from "node:os";
import { z } from "zod";
import { DEMO_CHOICE } from "../lib/agent/providers/registry";
import { createDb, type Db } from "../lib/db";
import { DbosDispatcher } from "../lib/engine/dbos/dispatcher";
import { DBOS_SCHEMA } from "../lib/engine/dbos/names";
import { createTask } from "../lib/tasks/create-task";
import { startTestPostgres, type TestPostgres } from "../tests/support/test-postgres";
import { benchInbox, printInbox } from "./bench/inbox";
import { cpuDelta, cpuSnapshot, percentile, rssMiB, type CpuSeconds } from "./bench/measure";
import { startRawCeiling, type RawCeiling, type RawTiming } from "./bench/raw-dbos-ceiling";
import { enableStatementCounts, readStatementCounts, resetStatementCounts, topStatements, type StatementCounts } from "./bench/statements";
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
    // Passed explicitly: startWorker would otherwise set its test value. The poll is 50 ms, not the
    // worker's 1 s default: Baton's worker is woken on new work, the raw ceiling only polls, and
    // its start latency should be what DBOS gives at a fast poll, not at a slow one.
    BENCH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
    BENCH_QUEUE_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(50),
    // Bursts of each, alternating: Baton, the raw DBOS ceiling, Baton, ...
    BENCH_ROUNDS: z.coerce.number().int().min(1).max(10).default(1),
    // How long the demo model "thinks"; 0 measures Baton's own overhead.
    BENCH_DEMO_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    BENCH_TOP_STATEMENTS: z.coerce.number().int().min(0).max(200).default(0),
    BENCH_INBOX_TASKS: z.coerce.number().int().min(0).max(2_000_000).default(10_000),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith("BENCH_") && value !== "")));

const WARMUP_TASKS = 5;
const DEMO = { provider: DEMO_CHOICE.provider, model: DEMO_CHOICE.model };

interface Resources {
  postgres?: TestPostgres;
  worker?: WorkerProcess;
  db?: Db;
  engine?: DbosDispatcher;
  ceiling?: RawCeiling;
}

async function main(res: Resources): Promise<void> {
  log(`starting Postgres on ${options.BENCH_PG_PORT}`);
  res.postgres = await startTestPostgres(options.BENCH_PG_PORT);
  const url = res.postgres.url;
  const counting = await enableStatementCounts(res.postgres);

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

  log("starting the raw DBOS worker (the engine's ceiling)");
  res.ceiling = await startRawCeiling(url, { concurrency: options.BENCH_WORKER_CONCURRENCY, pollMs: options.BENCH_QUEUE_POLL_MS });
  await res.ceiling.burst("warmup", WARMUP_TASKS, WARMUP_TASKS);

  // Rounds alternate Baton and the ceiling, so load from other work falls on both alike.
  for (let round = 1; round <= options.BENCH_ROUNDS; round++) {
    log(`round ${round}: ${options.BENCH_TASKS} Baton tasks from ${options.BENCH_CONCURRENCY} creators`);
    const userId = await createUser(res.db, `bench-${round}`);
    const countsSince = counting ? await resetStatementCounts(url) : undefined;
    const cpuBefore = cpuSnapshot(res.worker.child.pid, options.BENCH_PG_PORT);
    const createMs = await createTasks(deps, userId, options.BENCH_TASKS, options.BENCH_CONCURRENCY, options.BENCH_RATE);
    const { polls, peakRssMiB } = await waitUntilFinished(res, userId, options.BENCH_TASKS);
    const cpuAfter = cpuSnapshot(res.worker.child.pid, options.BENCH_PG_PORT);
    const counts = countsSince === undefined ? undefined : await readStatementCounts(url, countsSince);
    // The bench's own polls for the burst's end are not Baton's work.
    if (counts) counts.statements -= polls;
    const top = countsSince !== undefined && options.BENCH_TOP_STATEMENTS > 0 ? await topStatements(url, options.BENCH_TOP_STATEMENTS) : [];
    const baton = report(await readTimings(res.db, userId), createMs, cpuBefore && cpuAfter ? cpuDelta(cpuBefore, cpuAfter) : undefined, counts);
    if (peakRssMiB) console.log(`  worker RSS              ${rssMiB(res.worker.child.pid)?.toFixed(0)} MiB after, peak ${peakRssMiB.toFixed(0)} MiB during the burst`);
    for (const statement of top) console.log(`    ${(statement.calls / options.BENCH_TASKS).toFixed(2).padStart(6)}  ${statement.query.slice(0, 160)}`);

    log(`round ${round}: ${options.BENCH_TASKS} raw DBOS workflows of 3 trivial steps`);
    const rawCountsSince = counting ? await resetStatementCounts(url) : undefined;
    const rawBefore = cpuSnapshot(res.ceiling.pid, options.BENCH_PG_PORT);
    const raw = await res.ceiling.burst(`round-${round}`, options.BENCH_TASKS, options.BENCH_CONCURRENCY, options.BENCH_RATE);
    const rawAfter = cpuSnapshot(res.ceiling.pid, options.BENCH_PG_PORT);
    const rawCounts = rawCountsSince === undefined ? undefined : await readStatementCounts(url, rawCountsSince);
    const ceiling = reportCeiling(raw, rawBefore && rawAfter ? cpuDelta(rawBefore, rawAfter) : undefined, rawCounts);
    compare(baton, ceiling, loadAverage());
  }
  if (options.BENCH_INBOX_TASKS > 0) {
    log(`inbox: ${options.BENCH_INBOX_TASKS} tasks of one user`);
    printInbox(await benchInbox(res.db, options.BENCH_INBOX_TASKS));
  }
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

/** Returns how many times it asked the database, and the worker's largest RSS seen meanwhile. */
async function waitUntilFinished(res: Resources, userId: string, count: number): Promise<{ polls: number; peakRssMiB: number }> {
  let peakRssMiB = 0;
  for (let polls = 1; ; polls++) {
    const child = res.worker!.child;
    peakRssMiB = Math.max(peakRssMiB, rssMiB(child.pid) ?? 0);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the worker exited:\n${res.worker!.output()}`);
    const finished = await res.db!.run.count({ where: { task: { userId }, status: { in: ["completed", "failed", "canceled"] } } });
    if (finished >= count) return { polls, peakRssMiB };
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

/** The figures Baton and the ceiling are compared on. */
interface Figures {
  tasksPerSecond: number;
  cpuMsPerTask: number | null;
  startP50: number;
  startP99: number;
}

function report(timings: Timing[], createMs: number[], cpu?: CpuSeconds, statements?: StatementCounts): Figures {
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
  if (statements) {
    const perTask = (n: number) => (n / timings.length).toFixed(1);
    console.log(
      `  per task                ${perTask(statements.statements)} statements, ${perTask(statements.writeTransactions)} write transactions, ${perTask(statements.notifies)} pg_notify (all processes)`,
    );
  }
  const starts = span("created", "running");
  return {
    tasksPerSecond: completed.length / spanSeconds,
    cpuMsPerTask: cpu ? ((cpu.creators + cpu.worker + cpu.postgres) * 1000) / timings.length : null,
    startP50: percentile(starts, 0.5),
    startP99: percentile(starts, 0.99),
  };
}

/** The ceiling's burst, read the same way: first enqueue to last completion, enqueue to dequeue. */
function reportCeiling(timings: RawTiming[], cpu?: CpuSeconds, counts?: StatementCounts): Figures {
  const done = timings.filter((timing) => timing.finished !== null);
  const spanSeconds = (Math.max(...done.map((timing) => timing.finished!)) - Math.min(...timings.map((timing) => timing.created))) / 1000;
  const starts = done.flatMap((timing) => (timing.dequeued === null ? [] : [timing.dequeued - timing.created]));
  const figures = {
    tasksPerSecond: done.length / spanSeconds,
    cpuMsPerTask: cpu ? ((cpu.creators + cpu.worker + cpu.postgres) * 1000) / timings.length : null,
    startP50: percentile(starts, 0.5),
    startP99: percentile(starts, 0.99),
  };
  console.log(`\nRaw DBOS ceiling: ${timings.length} workflows of 3 trivial steps, same Postgres, queue settings and creators`);
  console.log(`  throughput              ${figures.tasksPerSecond.toFixed(1)} workflows/s  (${done.length} completed; ${spanSeconds.toFixed(2)} s)`);
  console.log(`  enqueue -> dequeued     p50 ${figures.startP50.toFixed(0)} ms, p99 ${figures.startP99.toFixed(0)} ms`);
  if (cpu) console.log(`  CPU per workflow        ${figures.cpuMsPerTask!.toFixed(1)} ms = creators ${((cpu.creators * 1000) / timings.length).toFixed(1)} + worker ${((cpu.worker * 1000) / timings.length).toFixed(1)} + postgres ${((cpu.postgres * 1000) / timings.length).toFixed(1)}`);
  if (counts) {
    const perTask = (n: number) => (n / timings.length).toFixed(1);
    console.log(`  per workflow            ${perTask(counts.statements)} statements, ${perTask(counts.writeTransactions)} write transactions`);
  }
  return figures;
}

function compare(baton: Figures, ceiling: Figures, load: string): void {
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? "-" : `${(a / b).toFixed(2)}x`);
  console.log(`\nBaton / raw DBOS ceiling (load ${load}):`);
  console.log(`  throughput              ${ratio(baton.tasksPerSecond, ceiling.tasksPerSecond)}   (goal: at least 1x)`);
  console.log(`  CPU per task            ${ratio(baton.cpuMsPerTask, ceiling.cpuMsPerTask)}   (goal: at most 1.5x)`);
  console.log(`  start p50 / p99         ${ratio(baton.startP50, ceiling.startP50)} / ${ratio(baton.startP99, ceiling.startP99)}`);
}

/** The 1, 5 and 15 minute load averages: how busy the machine was, printed beside the ratios. */
function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(1)).join(" / ");
}

async function cleanUp(res: Resources): Promise<void> {
  const bounded = (what: string, work: () => Promise<unknown>, ms = 15_000) =>
    Promise.race([work(), sleep(ms).then(() => Promise.reject(new Error("timed out")))]).catch((error: unknown) =>
      log(`clean-up: ${what} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  await Promise.all([res.engine && bounded("dispatcher", () => res.engine!.close()), res.db && bounded("db", () => res.db!.$disconnect())]);
  if (res.ceiling) await bounded("raw DBOS worker", () => res.ceiling!.close());
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
