// npm run worker: one background worker. `npm start` runs one beside the web server; start more
// (with distinct BATON_WORKER_ID values) on this or other machines to share the queue.
import { hostname } from "node:os";
import { createAgentDeps } from "../lib/agent/agent-deps";
import { createDb } from "../lib/db";
import { launchDbosWorker } from "../lib/engine/dbos/worker";
import { standByForInngest } from "../lib/engine/inngest/standby";
import { DbosDispatcher } from "../lib/engine/dbos/dispatcher";
import { env } from "../lib/env";
import { openDatabase } from "../lib/database/open-database";
import { prepareDatabase } from "../lib/database/prepare-database";
import { fireDueSchedules } from "../lib/schedules/fire-due-schedules";
import { assertSecretsReadable } from "../lib/secrets/secret-store";
import { startStrandedRuns } from "../lib/tasks/stranded-runs";
import { guardedFeedFetcher } from "../lib/triggers/fetch-feed";
import { pollDueTriggers } from "../lib/triggers/poll-triggers";

const SWEEP_INTERVAL_MS = 10_000;

async function main(): Promise<void> {
  const config = env();
  // --- BATON_ENGINE=inngest: the Inngest server runs the work through /api/inngest, not this worker.
  if (config.BATON_ENGINE === "inngest") return standByForInngest();
  // ---
  const database = await openDatabase({ log: () => {} });
  await prepareDatabase(database.url);
  const db = createDb(database.url);
  // A worker on another machine without the web server's key could not open the stored model
  // keys: refuse to start, saying which key to set, rather than fail every task.
  await assertSecretsReadable(db);
  const executorId = config.BATON_WORKER_ID ?? `worker-${hostname()}`;

  const dispatcher = new DbosDispatcher(database.url);
  const agent = await createAgentDeps(db, dispatcher);
  const worker = await launchDbosWorker({
    db,
    databaseUrl: database.url,
    failover: { heartbeatMs: config.BATON_WORKER_HEARTBEAT_MS, deadAfterMs: config.BATON_WORKER_DEAD_AFTER_MS },
    executorId,
    concurrency: config.BATON_WORKER_CONCURRENCY,
    queuePollMs: config.BATON_QUEUE_POLL_MS,
    checkpointEveryStep: config.BATON_CHECKPOINT_EVERY_STEP,
    deps: agent.deps,
    push: { db, allowlist: config.BATON_PUSH_ALLOWLIST },
  });

  const sweep = async () => {
    try {
      const started = await startStrandedRuns(db, dispatcher, { olderThanMs: SWEEP_INTERVAL_MS, limit: 100 });
      if (started > 0) console.log(`[worker] made sure ${started} waiting run(s) are on the queue`);
    } catch (error) {
      console.warn(`[worker] sweep for queued runs failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
  let ticking = false;
  const scheduleTimer = setInterval(async () => {
    if (ticking) return;
    ticking = true;
    try {
      const { missed } = await fireDueSchedules({ db, engine: dispatcher, graceMs: config.BATON_SCHEDULE_GRACE_MS });
      if (missed > 0) console.log(`[worker] ${missed} schedule slot(s) passed while Baton was down and were not run`);
    } catch (error) {
      console.warn(`[worker] schedule tick failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      ticking = false;
    }
  }, config.BATON_SCHEDULE_TICK_MS);
  // Feed, calendar and mail triggers are polled on the same tick; each worker claims different due ones.
  const fetchFeed = guardedFeedFetcher({ allowlist: config.BATON_HTTP_ALLOWLIST });
  let polling = false;
  const feedTimer = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      await pollDueTriggers({ db, engine: dispatcher, fetchFeed });
    } catch (error) {
      console.warn(`[worker] trigger poll failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      polling = false;
    }
  }, config.BATON_SCHEDULE_TICK_MS);
  void sweep();
  console.log(`[worker] ${executorId} ready (concurrency ${config.BATON_WORKER_CONCURRENCY}, ${agent.toolCount} tools)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: stopping; unfinished runs resume on the next start`);
    clearInterval(sweepTimer);
    clearInterval(scheduleTimer);
    clearInterval(feedTimer);
    await worker.shutdown().catch(() => {});
    await Promise.allSettled([dispatcher.close(), db.$disconnect(), agent.close()]);
    await database.close().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(`[worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
