// Workers start new work when it arrives, not at their next queue poll. DBOS's queue only polls
// (minPollingIntervalMs), so a fast start used to mean a fast poll, and idle CPU spent on it. Each
// enqueue notifies WORK_CHANNEL with the queue's name in its own transaction (dispatcher.ts); the
// worker LISTENs and polls that queue at once, and again whenever one of its workflows on it has
// ended (DBOS released the slot, so a backlog moves on without waiting for a poll). The poll interval stays as the fallback while the listening connection is down.
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
  /** Polls the queue as soon as any poll of it in flight ends; wakes before that poll starts fold into it. */
  wake(queueName: string): void;
  stop(): Promise<void>;
}

/** `queues` are what DBOS.registerQueue returned (the runner itself only learns of them within a second). */
export function startQueueWake(options: { databaseUrl: string; queues: WorkflowQueue[]; log?: (line: string) => void }): QueueWake {
  const runner = wfQueueRunner as unknown as QueueRunnerInternals;
  const poll = runner.pollQueue.bind(runner);
  const lanes = new Map(options.queues.map((queue) => [queue.name, { queue, chain: Promise.resolve() as Promise<unknown>, pending: false }]));
  const serialized = (lane: { chain: Promise<unknown> }, run: () => Promise<boolean>) => {
    const next = lane.chain.then(run);
    lane.chain = next.catch(() => undefined);
    return next;
  };
  runner.pollQueue = (exec, queue) => {
    const lane = lanes.get(queue.name);
    return lane ? serialized(lane, () => poll(exec, queue)) : poll(exec, queue);
  };

  let stopped = false;
  const wake = (queueName: string) => {
    const lane = lanes.get(queueName);
    if (!lane || lane.pending || stopped) return;
    const exec = DBOSExecutor.globalInstance;
    if (!exec) return; // not launched yet: the runner's first poll comes soon
    lane.pending = true;
    void serialized(lane, () => {
      lane.pending = false;
      return poll(exec, lane.queue);
    }).catch((error: unknown) => options.log?.(`poll of ${queueName} on wake-up failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const wakeAll = () => {
    for (const name of lanes.keys()) wake(name);
  };

  // Called once DBOS has launched: runs recovered during the launch end without a wake-up (the
  // poll picks their slots up).
  const registry = DBOSExecutor.globalInstance?.systemDatabase as unknown as RunningWorkflowRegistry | undefined;
  const register = registry?.registerRunningWorkflow.bind(registry);
  if (registry && register) {
    registry.registerRunningWorkflow = (workflowId, queueName, partitionKey) => {
      const entry = register(workflowId, queueName, partitionKey);
      if (!queueName || !lanes.has(queueName)) return entry;
      const release = entry.release.bind(entry);
      entry.release = () => {
        release();
        wake(queueName);
      };
      return entry;
    };
  }

  let client: pg.Client | undefined;
  let retryMs = 250;
  const listen = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true });
    // The payload names the queue; an empty one (or an unknown name) wakes them all.
    next.on("notification", (message) => (message.payload && lanes.has(message.payload) ? wake(message.payload) : wakeAll()));
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
      wakeAll();
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
