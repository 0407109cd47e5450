// The DBOS worker: registers the task workflow, launches DBOS against the shared Postgres and
// serves the task queue. Several workers (each with its own executor id) share one queue.
import { DBOS } from "@dbos-inc/dbos-sdk";
import { runTask, type AgentDeps } from "@/lib/agent/run-task";
import { beginRunAs } from "@/lib/tasks/run-lifecycle";
import { deliverNotification, type PushDeliveryDeps } from "@/lib/push/deliver-notification";
import type { Db } from "@/lib/db";
import { dbosDurableContext, recordedStepNames } from "./durable-context";
import { quietDbosLogger } from "./quiet-logger";
import {
  DBOS_APP_NAME,
  DBOS_APP_VERSION,
  DBOS_SCHEMA,
  DELIVER_NOTIFICATION_WORKFLOW,
  NOTIFICATION_QUEUE,
  RUN_TASK_WORKFLOW,
  TASK_QUEUE,
} from "./names";
import { startQueueWake } from "./queue-wake";
import { dbosSystemPool } from "./system-pool";
import { noteResumption, startFailover } from "./worker-failover";

export interface DbosWorkerOptions {
  db: Db;
  databaseUrl: string;
  executorId: string;
  /** How often this worker says it is alive, and after how long a silent one's runs are taken over. */
  failover: { heartbeatMs: number; deadAfterMs: number };
  concurrency: number;
  queuePollMs: number;
  /** Steps that record themselves are DBOS checkpoints too (BATON_CHECKPOINT_EVERY_STEP). */
  checkpointEveryStep?: boolean;
  deps: AgentDeps;
  push: PushDeliveryDeps;
}

export async function launchDbosWorker(options: DbosWorkerOptions): Promise<{ shutdown(): Promise<void> }> {
  const systemPool = dbosSystemPool(options.databaseUrl, { max: Math.max(10, Math.min(50, options.concurrency)), executorId: options.executorId });
  DBOS.setConfig({
    name: DBOS_APP_NAME,
    systemDatabaseUrl: options.databaseUrl,
    systemDatabasePool: systemPool,
    systemDatabaseSchemaName: DBOS_SCHEMA,
    executorID: options.executorId,
    applicationVersion: DBOS_APP_VERSION,
    logger: quietDbosLogger(),
  });
  DBOS.registerWorkflow(
    async (runId: string) => {
      // The run's start notes this worker as its executor in the same statement, outside any DBOS
      // step (it runs again on every resumption, which is the point), and the begin-run step
      // returns it. A history that holds begin-run as a DBOS step replays that instead.
      const begun = await beginRunAs(options.db, runId, options.executorId);
      const resumed = begun.previousExecutor !== null;
      if (resumed && begun.work) await noteResumption(options.db, { work: begun.work, previousExecutor: begun.previousExecutor!, executorId: options.executorId });
      // A first execution has no history to match. A resumption replays the steps its history holds
      // as DBOS steps the same way, whatever steps record themselves now (one read, on resumption only).
      const checkpointedSteps = options.checkpointEveryStep ? "all" : resumed ? await recordedStepNames(options.db, runId) : undefined;
      return runTask(dbosDurableContext({ checkpointedSteps, resumed }), options.deps, runId, begun);
    },
    { name: RUN_TASK_WORKFLOW },
  );
  const notificationContext = dbosDurableContext();
  DBOS.registerWorkflow((notification: unknown) => deliverNotification(notificationContext, options.push, notification), {
    name: DELIVER_NOTIFICATION_WORKFLOW,
  });
  await DBOS.launch();
  const taskQueue = await DBOS.registerQueue(TASK_QUEUE, {
    workerConcurrency: options.concurrency,
    minPollingIntervalMs: options.queuePollMs,
    onConflict: "always_update",
  });
  // Notifications have a queue of their own: a backlog of pushes never delays task work. Its
  // enqueues wake the worker too, so its poll is only the fallback and may be slow.
  const notificationQueue = await DBOS.registerQueue(NOTIFICATION_QUEUE, {
    workerConcurrency: 10,
    minPollingIntervalMs: Math.max(options.queuePollMs, 1000),
    onConflict: "always_update",
  });
  const queueWake = startQueueWake({ databaseUrl: options.databaseUrl, queues: [taskQueue, notificationQueue], log: (line) => console.log(`[worker] ${line}`) });
  const failover = await startFailover({ db: options.db, executorId: options.executorId, ...options.failover, log: (line) => console.log(`[worker] ${line}`) });
  return {
    shutdown: async () => {
      failover.stop();
      await queueWake.stop();
      await DBOS.shutdown();
      await systemPool.end();
    },
  };
}
