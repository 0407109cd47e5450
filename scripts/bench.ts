// npm run bench: end-to-end throughput and latency of the task pipeline on a fresh database.
// Starts its own embedded Postgres (temp folder) and one real worker process with the demo model
// (answering at once unless told otherwise), creates tasks through createTask + DbosDispatcher
// from concurrent creators (as the web side does), waits for every run to finish, and reads the
// timings from the database. Stops by itself and cleans up (worker, Postgres, temp folder) on
// success, failure, timeout or Ctrl-C.
//
//   BENCH_TASKS=1000  BENCH_CONCURRENCY=20  BENCH_TIMEOUT_MS=1800000  BENCH_PG_PORT=25430
//   BENCH_RATE: offer this many tasks per second instead of all at once (start latency without a backlog)
//   BENCH_WORKER_CONCURRENCY=50  BENCH_QUEUE_POLL_MS=50: the worker's and the raw ceiling's settings
//   BENCH_MODEL=remote: the tasks' model is the demo script behind an OpenAI-compatible server in a
//     process of its own, reached over HTTP as a real provider is, so what the provider does is on
//     no Baton process's CPU; "demo": the demo model as shipped, answering inside the worker
//   BENCH_DEMO_LATENCY_MS=0: how long the model takes to answer
//   BENCH_TOP_STATEMENTS=0: also print the statements that took Postgres the most time in Baton's
//     burst: calls, planning and execution ms, per task
//   BENCH_INBOX_TASKS=10000: then time the inbox's first page with this many tasks (0: skip), also
//     over HTTP (GET /api/tasks, signed in) when BENCH_WEB=1 (the default; needs `npm run build`)
//   BENCH_INBOX_LARGE_TASKS=1000000: the inbox query's plan again with this many (0: skip)
//   BENCH_APPROVALS=20: approval decision -> run resumed, over this many decisions (0: skip)
//   BENCH_SSE_CONNECTIONS=500  BENCH_SSE_CHANGES=20: the SSE fan-out, web CPU and memory (0: skip)
//   BENCH_QUEUED_TASKS=10000  BENCH_QUEUED_WINDOW_MS=20000: a fresh worker's RSS with this many queued
//   BENCH_IDLE_MS=20000: a fresh worker at its defaults, idle this long: its CPU (0: skipped)
//   BENCH_GRAPHILE=1 (or --graphile): graphile-worker on the same Postgres too, interleaved
//   BENCH_PG_PORT=25430  BENCH_WEB_PORT=25440: the bench's own ports
//   BENCH_WORKER_NODE_ARGS="--max-semi-space-size=4": extra flags for Node in both worker processes
//     (to weigh a V8 flag's memory against its CPU per task in one run)
//   BENCH_CPU_PROF=DIR: the worker writes a V8 CPU profile there when it stops (node --cpu-prof);
//   BENCH_WEB_CPU_PROF=DIR: the same for the web server;
//     `tsx scripts/bench/profile-summary.ts FILE` says where the time went
import { loadavg } from "node:os";
import path from "node:path";
import { z } from "zod";
import { DEMO_CHOICE } from "../lib/agent/providers/registry";
import { createDb, type Db } from "../lib/db";
import { DbosDispatcher } from "../lib/engine/dbos/dispatcher";
import { DBOS_SCHEMA } from "../lib/engine/dbos/names";
import { createTask } from "../lib/tasks/create-task";
import { startTestPostgres, type TestPostgres } from "../tests/support/test-postgres";
import { benchApprovals } from "./bench/approvals";
import { startGraphile } from "./bench/graphile-ceiling";
import { benchInbox, printInbox } from "./bench/inbox";
import { cpuDelta, cpuSeconds, cpuSnapshot, percentile, rssMiB, type CpuSeconds } from "./bench/measure";
import { startRemoteModel, type RemoteModel } from "./bench/remote-model";
import { startRawCeiling, type RawCeiling, type RawTiming } from "./bench/raw-dbos-ceiling";
import { enableStatementCounts, readStatementCounts, resetStatementCounts, topStatements, type StatementCounts } from "./bench/statements";
import { benchFanout, createPasswordUser, signIn, startWeb, timeRoute, timeTasksApi, type WebServer } from "./bench/web";
import { startWorker, type WorkerProcess } from "../tests/support/worker-process";

const options = z
  .object({
    BENCH_TASKS: z.coerce.number().int().min(1).max(100_000).default(1000),
    BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
    // Tasks per second to offer (open loop); unset: as fast as the creators go.
    BENCH_RATE: z.coerce.number().positive().optional(),
    BENCH_TIMEOUT_MS: z.coerce.number().int().min(10_000).default(1_800_000),
    // 25430 and 25440 are the bench's by default; set others where several benches or test suites
    // share the machine.
    BENCH_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(25430),
    BENCH_WEB_PORT: z.coerce.number().int().min(1024).max(65535).default(25440),
    BENCH_WEB: z.enum(["0", "1"]).default("1"),
    // Passed explicitly: startWorker would otherwise set its test value. The poll is 50 ms, not the
    // worker's 1 s default: Baton's worker is woken on new work, the raw ceiling only polls, and
    // its start latency should be what DBOS gives at a fast poll, not at a slow one.
    BENCH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
    BENCH_QUEUE_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(50),
    // Bursts of each, alternating: Baton, the raw DBOS ceiling, Baton, ...
    BENCH_ROUNDS: z.coerce.number().int().min(1).max(10).default(1),
    // How long the demo model "thinks"; 0 measures Baton's own overhead.
    BENCH_MODEL: z.enum(["remote", "demo"]).default("remote"),
    BENCH_DEMO_LATENCY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    BENCH_TOP_STATEMENTS: z.coerce.number().int().min(0).max(200).default(0),
    BENCH_INBOX_TASKS: z.coerce.number().int().min(0).max(2_000_000).default(10_000),
    BENCH_INBOX_LARGE_TASKS: z.coerce.number().int().min(0).max(5_000_000).default(1_000_000),
    BENCH_API_ROUNDS: z.coerce.number().int().min(10).max(10_000).default(200),
    BENCH_APPROVALS: z.coerce.number().int().min(0).max(1000).default(20),
    BENCH_SSE_CONNECTIONS: z.coerce.number().int().min(0).max(5000).default(500),
    BENCH_SSE_CHANGES: z.coerce.number().int().min(1).max(1000).default(20),
    BENCH_QUEUED_TASKS: z.coerce.number().int().min(0).max(100_000).default(10_000),
    BENCH_QUEUED_WINDOW_MS: z.coerce.number().int().min(1000).max(600_000).default(20_000),
    // A fresh worker at its own defaults, idle for this long (0: not measured).
    BENCH_IDLE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
    BENCH_WORKER_NODE_ARGS: z.string().default(""),
    BENCH_CPU_PROF: z.string().optional(),
    BENCH_WEB_CPU_PROF: z.string().optional(),
    BENCH_GRAPHILE: z.enum(["0", "1"]).default(process.argv.includes("--graphile") ? "1" : "0"),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith("BENCH_") && value !== "")));

const WARMUP_TASKS = 5;
const workerNodeArgs = options.BENCH_WORKER_NODE_ARGS.split(" ").filter(Boolean);
const DEMO = { provider: DEMO_CHOICE.provider, model: DEMO_CHOICE.model };
/** The model the environment sets up when BENCH_MODEL=remote (the worker's and the creators'). */
const REMOTE = { provider: "openai", model: "scripted" } as const;
const MODEL = options.BENCH_MODEL === "remote" ? REMOTE : DEMO;

interface Resources {
  postgres?: TestPostgres;
  worker?: WorkerProcess;
  db?: Db;
  engine?: DbosDispatcher;
  ceiling?: RawCeiling;
  graphile?: RawCeiling;
  web?: WebServer;
  model?: RemoteModel;
}

async function main(res: Resources): Promise<void> {
  log(`starting Postgres on ${options.BENCH_PG_PORT}`);
  res.postgres = await startTestPostgres(options.BENCH_PG_PORT);
  const url = res.postgres.url;
  const counting = await enableStatementCounts(res.postgres);

  if (options.BENCH_MODEL === "remote") {
    log("starting the model provider's server");
    res.model = await startRemoteModel({ latencyMs: options.BENCH_DEMO_LATENCY_MS });
    // The creators' createTask checks the model against the environment's, as the web server does.
    Object.assign(process.env, remoteModelEnv(res.model.url));
  }
  const workerEnv: Record<string, string> = {
    ...(res.model ? remoteModelEnv(res.model.url) : {}),
    BATON_DEMO_LATENCY_MS: String(options.BENCH_DEMO_LATENCY_MS),
    BATON_WORKER_CONCURRENCY: String(options.BENCH_WORKER_CONCURRENCY),
    BATON_QUEUE_POLL_MS: String(options.BENCH_QUEUE_POLL_MS),
  };
  log("starting the worker");
  const nodeArgs = [...workerNodeArgs, ...(options.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(options.BENCH_CPU_PROF)}`] : [])];
  res.worker = await startWorker({ databaseUrl: url, workerId: "bench-worker", env: workerEnv, nodeArgs });

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
  if (options.BENCH_GRAPHILE === "1") {
    log("starting graphile-worker (a peer queue on the same Postgres)");
    res.graphile = await startGraphile(url, { concurrency: options.BENCH_WORKER_CONCURRENCY, creators: options.BENCH_CONCURRENCY });
    await res.graphile.burst("warmup", WARMUP_TASKS, WARMUP_TASKS);
  }

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
    if (top.length > 0) console.log("    calls   plan ms  exec ms  per task");
    for (const statement of top) {
      const perTask = (value: number) => (value / options.BENCH_TASKS).toFixed(3).padStart(7);
      console.log(`   ${(statement.calls / options.BENCH_TASKS).toFixed(2).padStart(6)}  ${perTask(statement.planMs)}  ${perTask(statement.execMs)}  ${statement.query.slice(0, 140)}`);
    }

    log(`round ${round}: ${options.BENCH_TASKS} raw DBOS workflows of 3 trivial steps`);
    const rawCountsSince = counting ? await resetStatementCounts(url) : undefined;
    const rawBefore = cpuSnapshot(res.ceiling.pid, options.BENCH_PG_PORT);
    const raw = await res.ceiling.burst(`round-${round}`, options.BENCH_TASKS, options.BENCH_CONCURRENCY, options.BENCH_RATE);
    const rawAfter = cpuSnapshot(res.ceiling.pid, options.BENCH_PG_PORT);
    const rawCounts = rawCountsSince === undefined ? undefined : await readStatementCounts(url, rawCountsSince);
    const ceiling = reportCeiling("Raw DBOS ceiling", "workflows of 3 trivial steps", raw, rawBefore && rawAfter ? cpuDelta(rawBefore, rawAfter) : undefined, rawCounts);
    let peer: Figures | undefined;
    if (res.graphile) {
      log(`round ${round}: ${options.BENCH_TASKS} graphile-worker jobs of 3 UPDATEs`);
      const peerCountsSince = counting ? await resetStatementCounts(url) : undefined;
      const peerBefore = cpuSnapshot(res.graphile.pid, options.BENCH_PG_PORT);
      const jobs = await res.graphile.burst(`round-${round}`, options.BENCH_TASKS, options.BENCH_CONCURRENCY, options.BENCH_RATE);
      const peerAfter = cpuSnapshot(res.graphile.pid, options.BENCH_PG_PORT);
      const peerCounts = peerCountsSince === undefined ? undefined : await readStatementCounts(url, peerCountsSince);
      peer = reportCeiling("graphile-worker 0.18", "jobs of 3 UPDATEs", jobs, peerBefore && peerAfter ? cpuDelta(peerBefore, peerAfter) : undefined, peerCounts);
    }
    const load = loadAverage();
    compare("raw DBOS ceiling", baton, ceiling, load);
    if (peer) compare("graphile-worker", baton, peer, load);
  }
  await benchTheRest(res, url);
}

/** Everything after the bursts: approvals, the inbox over HTTP, SSE fan-out, a queue of 10K, 1M tasks. */
async function benchTheRest(res: Resources, url: string): Promise<void> {
  const db = res.db!;
  const deps = { db, engine: res.engine! };
  if (options.BENCH_APPROVALS > 0) {
    log(`approvals: ${options.BENCH_APPROVALS} decisions, one at a time`);
    const user = await createUser(db, "approvals");
    const figures = await benchApprovals(deps, user, options.BENCH_APPROVALS);
    console.log(`\nApproval decision -> run resumed (decided_at -> the worker's "running" event), ${figures.decided} decisions`);
    console.log(`  p50 ${figures.p50.toFixed(0)} ms, p99 ${figures.p99.toFixed(0)} ms, max ${figures.max.toFixed(0)} ms   (goal: p50 under 20 ms)`);
  }
  const web = options.BENCH_WEB === "1" && (options.BENCH_INBOX_TASKS > 0 || options.BENCH_SSE_CONNECTIONS > 0);
  const person = web ? await createPasswordUser(db, "web") : undefined;
  if (web) {
    log(`starting the web server on ${options.BENCH_WEB_PORT}`);
    const webArgs = options.BENCH_WEB_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(options.BENCH_WEB_CPU_PROF)}`] : [];
    res.web = await startWeb(url, options.BENCH_WEB_PORT, webArgs);
  }
  const cookie = res.web && person ? await signIn(res.web, person) : undefined;
  const inboxUser = person?.id ?? (await createUser(db, "inbox"));
  if (options.BENCH_INBOX_TASKS > 0) {
    log(`inbox: ${options.BENCH_INBOX_TASKS} tasks of one user`);
    printInbox(await benchInbox(db, options.BENCH_INBOX_TASKS, inboxUser));
    if (res.web && cookie) {
      const api = await timeTasksApi(res.web, cookie, options.BENCH_API_ROUNDS);
      console.log(
        `  GET /api/tasks (HTTP, signed in) p50 ${api.p50.toFixed(1)} ms, p99 ${api.p99.toFixed(1)} ms over ${options.BENCH_API_ROUNDS} requests, ${api.tasksOnPage} on the page   (goal: p50 under 10 ms)`,
      );
      // What Next and the route wrapper cost without a session or a page: the same server, one SELECT 1.
      const health = await timeRoute(res.web, "/api/health", undefined, options.BENCH_API_ROUNDS);
      console.log(`  GET /api/health (HTTP, no session, SELECT 1) p50 ${health.p50.toFixed(1)} ms, p99 ${health.p99.toFixed(1)} ms, same server`);
    }
  }
  if (res.web && cookie && person && options.BENCH_SSE_CONNECTIONS > 0) {
    log(`SSE: ${options.BENCH_SSE_CONNECTIONS} open event streams, ${options.BENCH_SSE_CHANGES} changes`);
    let n = 0;
    const fan = await benchFanout(res.web, cookie, options.BENCH_SSE_CONNECTIONS, options.BENCH_SSE_CHANGES, async () => {
      const { task } = await createTask(deps, { userId: person.id, title: `Fan-out ${n++}`, prompt: "Summarise one line.", ...MODEL });
      return task.id;
    });
    console.log(`\nSSE fan-out: ${fan.connections} open /api/events streams of one user, ${fan.changes} new tasks one after another`);
    console.log(`  web process RSS         ${fan.idleRssMiB.toFixed(0)} MiB before, ${fan.openRssMiB.toFixed(0)} MiB with the streams open`);
    console.log(`  web process CPU         ${fan.idleCpuPercent.toFixed(1)}% of a core with the streams open and idle; ${fan.webCpuMsPerChange.toFixed(0)} ms per new task (its queued, running and completed changes and events, to every stream)`);
    console.log(`  create -> first event on every stream  p50 ${fan.deliveryP50.toFixed(0)} ms, p99 ${fan.deliveryP99.toFixed(0)} ms; ${fan.missed} missed (goal: within 300 ms)`);
  }
  if (res.web) {
    await res.web.close();
    res.web = undefined;
  }
  if (options.BENCH_IDLE_MS > 0) await benchIdle(url);
  if (options.BENCH_QUEUED_TASKS > 0) await benchQueued(res, url);
  if (options.BENCH_INBOX_LARGE_TASKS > 0) {
    log(`inbox: ${options.BENCH_INBOX_LARGE_TASKS} tasks of one user (writing them takes a while)`);
    printInbox(await benchInbox(db, options.BENCH_INBOX_LARGE_TASKS, undefined, 50));
    if (options.BENCH_INBOX_TASKS > 0) {
      console.log(`\n(the ${options.BENCH_INBOX_TASKS}-task user's inbox again, beside the ${options.BENCH_INBOX_LARGE_TASKS} tasks of the other)`);
      printInbox(await benchInbox(db, 0, inboxUser, 50));
    }
  }
}

/**
 * What an idle worker costs: a second worker with the production defaults (a 1 s queue poll, the
 * schedule tick, heartbeats, DBOS's own housekeeping), nothing to do, its CPU over a window.
 */
async function benchIdle(url: string): Promise<void> {
  log(`idle: a fresh worker at its defaults, ${(options.BENCH_IDLE_MS / 1000).toFixed(0)} s with nothing to do`);
  const idle = await startWorker({ databaseUrl: url, workerId: "bench-idle", nodeArgs: workerNodeArgs, fastPoll: false });
  try {
    // Past its start (the first schedule tick, the first heartbeat).
    await sleep(2000);
    const pid = idle.child.pid!;
    const before = cpuSeconds(pid);
    const started = performance.now();
    await sleep(options.BENCH_IDLE_MS);
    const share = (cpuSeconds(pid) - before) / ((performance.now() - started) / 1000);
    console.log(`
Idle worker (its defaults, a fresh process, nothing queued)`);
    console.log(`  CPU                     ${(share * 100).toFixed(1)}% of a core over ${(options.BENCH_IDLE_MS / 1000).toFixed(0)} s   (goal: below 2%)`);
  } finally {
    await idle.kill("SIGTERM");
  }
}

/** A fresh worker's memory with a backlog: the worker stops, the tasks queue up, a new one starts. */
async function benchQueued(res: Resources, url: string): Promise<void> {
  const count = options.BENCH_QUEUED_TASKS;
  log(`queue: stopping the worker, queueing ${count} tasks, starting a fresh worker`);
  await res.worker!.kill("SIGTERM");
  const userId = await createUser(res.db!, "queued");
  await createTasks({ db: res.db!, engine: res.engine! }, userId, count, options.BENCH_CONCURRENCY);
  res.worker = await startWorker({
    databaseUrl: url,
    workerId: "bench-worker-2",
    nodeArgs: workerNodeArgs,
    env: {
      ...(res.model ? remoteModelEnv(res.model.url) : {}),
      BATON_DEMO_LATENCY_MS: String(options.BENCH_DEMO_LATENCY_MS),
      BATON_QUEUE_POLL_MS: String(options.BENCH_QUEUE_POLL_MS),
    },
  });
  const pid = res.worker.child.pid;
  const atStart = rssMiB(pid) ?? 0;
  let peak = atStart;
  const started = performance.now();
  while (performance.now() - started < options.BENCH_QUEUED_WINDOW_MS) {
    peak = Math.max(peak, rssMiB(pid) ?? 0);
    await sleep(100);
  }
  const finished = await res.db!.run.count({ where: { task: { userId }, status: { in: ["completed", "failed", "canceled"] } } });
  console.log(`\nWorker with ${count} tasks queued (default concurrency, a fresh process)`);
  console.log(
    `  RSS                     ${atStart.toFixed(0)} MiB when ready, peak ${peak.toFixed(0)} MiB over ${(options.BENCH_QUEUED_WINDOW_MS / 1000).toFixed(0)} s (${finished} finished meanwhile)   (goal: under 250 MB)`,
  );
}

function remoteModelEnv(url: string): Record<string, string> {
  return { BATON_MODEL_PROVIDER: REMOTE.provider, BATON_MODEL: REMOTE.model, OPENAI_API_KEY: "sk-bench-not-a-real-key", OPENAI_BASE_URL: url };
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
      await createTask(deps, { userId, title: `Bench task ${n}`, prompt: `Summarise item ${n} in one line.`, ...MODEL });
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
      `${options.BENCH_WORKER_CONCURRENCY}, queue poll ${options.BENCH_QUEUE_POLL_MS} ms; ` +
      `model: ${options.BENCH_MODEL === "remote" ? "scripted, in a process of its own" : "demo, in the worker"}, answering in ${options.BENCH_DEMO_LATENCY_MS} ms`,
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
function reportCeiling(name: string, what: string, timings: RawTiming[], cpu?: CpuSeconds, counts?: StatementCounts): Figures {
  const done = timings.filter((timing) => timing.finished !== null);
  const spanSeconds = (Math.max(...done.map((timing) => timing.finished!)) - Math.min(...timings.map((timing) => timing.created))) / 1000;
  const starts = done.flatMap((timing) => (timing.dequeued === null ? [] : [timing.dequeued - timing.created]));
  const figures = {
    tasksPerSecond: done.length / spanSeconds,
    cpuMsPerTask: cpu ? ((cpu.creators + cpu.worker + cpu.postgres) * 1000) / timings.length : null,
    startP50: percentile(starts, 0.5),
    startP99: percentile(starts, 0.99),
  };
  console.log(`\n${name}: ${timings.length} ${what}, same Postgres, concurrency and creators`);
  console.log(`  throughput              ${figures.tasksPerSecond.toFixed(1)}/s  (${done.length} completed; ${spanSeconds.toFixed(2)} s)`);
  console.log(`  enqueue -> dequeued     p50 ${figures.startP50.toFixed(0)} ms, p99 ${figures.startP99.toFixed(0)} ms`);
  if (cpu) console.log(`  CPU per workflow        ${figures.cpuMsPerTask!.toFixed(1)} ms = creators ${((cpu.creators * 1000) / timings.length).toFixed(1)} + worker ${((cpu.worker * 1000) / timings.length).toFixed(1)} + postgres ${((cpu.postgres * 1000) / timings.length).toFixed(1)}`);
  if (counts) {
    const perTask = (n: number) => (n / timings.length).toFixed(1);
    console.log(`  per workflow            ${perTask(counts.statements)} statements, ${perTask(counts.writeTransactions)} write transactions`);
  }
  return figures;
}

function compare(name: string, baton: Figures, ceiling: Figures, load: string): void {
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? "-" : `${(a / b).toFixed(2)}x`);
  console.log(`\nBaton / ${name} (load ${load}):`);
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
  if (res.graphile) await bounded("graphile-worker", () => res.graphile!.close());
  if (res.web) await bounded("web server", () => res.web!.close());
  if (res.model) await bounded("model server", () => res.model!.close());
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
