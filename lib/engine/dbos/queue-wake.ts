// Workers start new work when it arrives, not at their next queue poll. DBOS's queue only polls
// (minPollingIntervalMs), so a fast start used to mean a fast poll, and idle CPU spent on it. Each
// enqueue of a run notifies WORK_CHANNEL in its own transaction (dispatcher.ts); the worker LISTENs
// and polls the task queue at once, and again whenever one of its runs on that queue has ended
// (DBOS released its slot, so a backlog moves on without waiting for a poll). The poll interval stays as the fallback while the listening connection is down.
//
// DBOS has no public "poll now". This calls its queue runner's own poll for the queue, chained
// after any poll of that queue in flight (the runner's included), so two polls never race for
// the same concurrency budget. Pinned to @dbos-inc/dbos-sdk 5.x internals; tests/integration
// queue-wake.test.ts fails if they move.
import pg from "pg";
import { DBOSExecutor } from "@dbos-inc/dbos-sdk/internal/dbos-executor";
import { wfQueueRunner, type WorkflowQueue } from "@dbos-inc/dbos-sdk/internal/wfqueue";
import { WORK_CHANNEL } from "./names";

/** The parts of DBOS's queue runner this uses (private in its types, hence the cast). */
interface QueueRunnerInternals {
  pollQueue(exec: DBOSExecutor, queue: WorkflowQueue): Promise<boolean>;
}

/** How DBOS counts a worker's runs against a queue's concurrency: an entry released when the run ends. */
interface RunningWorkflowRegistry {
  registerRunningWorkflow(workflowId: string, queueName: string | undefined, partitionKey: string | undefined): { release(): void };
}

export interface QueueWake {
    /** Polls the queue as soon as any poll in flight ends; wakes before that poll starts fold into it. */
  wake(): void;
  stop(): Promise<void>;
}

/** `queue` is what DBOS.registerQueue returned (the runner itself only learns of it within a second). */
export function startQueueWake(options: { databaseUrl: string; queue: WorkflowQueue; log?: (line: string) => void }): QueueWake {
  const queueName = options.queue.name;
  const runner = wfQueueRunner as unknown as QueueRunnerInternals;
  const poll = runner.pollQueue.bind(runner);
  let chain: Promise<unknown> = Promise.resolve();
  const serialized = (run: () => Promise<boolean>) => {
    const next = chain.then(run);
    chain = next.catch(() => undefined);
    return next;
  };
  runner.pollQueue = (exec, queue) => (queue.name === queueName ? serialized(() => poll(exec, queue)) : poll(exec, queue));

  let pending = false;
  let stopped = false;
  const wake = () => {
    if (pending || stopped) return;
    const exec = DBOSExecutor.globalInstance;
    if (!exec) return; // not launched yet: the runner's first poll comes soon
    pending = true;
    void serialized(() => {
      pending = false;
      return poll(exec, options.queue);
    }).catch((error: unknown) => options.log?.(`poll on wake-up failed: ${error instanceof Error ? error.message : String(error)}`));
  };

  // Called once DBOS has launched: runs recovered during the launch end without a wake-up (the
  // poll picks their slots up).
  const registry = DBOSExecutor.globalInstance?.systemDatabase as unknown as RunningWorkflowRegistry | undefined;
  const register = registry?.registerRunningWorkflow.bind(registry);
  if (registry && register) {
    registry.registerRunningWorkflow = (workflowId, queueName, partitionKey) => {
      const entry = register(workflowId, queueName, partitionKey);
      if (queueName !== options.queue.name) return entry;
      const release = entry.release.bind(entry);
      entry.release = () => {
        release();
        wake();
      };
      return entry;
    };
  }

  let client: pg.Client | undefined;
  let retryMs = 250;
  const listen = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true });
    next.on("notification", wake);
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      next.removeAllListeners();
      next.on("error", () => {});
      void next.end().catch(() => {});
      setTimeout(() => void listen(), (retryMs = Math.min(retryMs * 2, 5000))).unref();
    };
    next.on("error", lost);
    next.on("end", lost);
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${WORK_CHANNEL}`);
      retryMs = 250;
      // Work enqueued while this connection was down is found by this poll.
      wake();
    } catch {
      lost();
    }
  };
  void listen();

  return {
    wake,
    async stop() {
      stopped = true;
      const current = client;
      client = undefined;
      Reflect.deleteProperty(runner, "pollQueue"); // the prototype's own again
      if (registry) Reflect.deleteProperty(registry, "registerRunningWorkflow");
      if (current) {
        current.removeAllListeners();
        current.on("error", () => {});
        await current.end().catch(() => {});
      }
    },
  };
}
