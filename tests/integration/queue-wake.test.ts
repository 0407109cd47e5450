// A worker starts new work when it is enqueued, not at its next queue poll: here the poll is 30 s
// apart, so anything that starts sooner was woken (the enqueue's notification, or a slot coming
// free). Also proves the task and its workflow commit together, or not at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CHOICE } from "@/lib/agent/providers/registry";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { DBOS_SCHEMA } from "@/lib/engine/dbos/names";
import type { TaskDispatcher } from "@/lib/engine/port";
import { createTask, insertTask } from "@/lib/tasks/create-task";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

const DEMO = { provider: DEMO_CHOICE.provider, model: DEMO_CHOICE.model };
const POLL_MS = 30_000;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let worker: WorkerProcess;

beforeAll(async () => {
  pg = await testDatabase("queue-wake");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  // One run at a time: the second and third tasks can only start when the one before ends.
  worker = await startWorker({ databaseUrl: pg.url, workerId: "wake-worker", env: { BATON_QUEUE_POLL_MS: String(POLL_MS), BATON_WORKER_CONCURRENCY: "1" } });
});

afterAll(async () => {
  await worker?.kill();
  await Promise.allSettled([engine?.close(), db?.$disconnect()]);
  await pg?.destroy();
});

async function finishedWithin(taskIds: string[], ms: number): Promise<void> {
  await waitFor(async () => (await db.task.count({ where: { id: { in: taskIds }, status: "completed" } })) === taskIds.length, {
    timeoutMs: ms,
    what: `${taskIds.length} task(s) completed`,
  });
}

describe("waking the worker on new work", () => {
  it("starts a created task, and a backlog behind a busy slot, long before the next poll", async () => {
    const userId = await createTestUser(db);
    const started = Date.now();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await createTask({ db, engine }, { userId, title: `Wake ${n}`, prompt: `Say ${n}.`, ...DEMO })).task.id);
    await finishedWithin(ids, POLL_MS / 2);
    expect(Date.now() - started).toBeLessThan(POLL_MS / 2);
  });

  it("starts a run enqueued outside a task's transaction (a follow-up, a retry, the sweep) as soon", async () => {
    const userId = await createTestUser(db);
    const { task, runId } = await db.$transaction((tx) => insertTask(tx, { userId, title: "Later", prompt: "Say later.", ...DEMO }));
    await engine.startRun(runId);
    await finishedWithin([task.id], POLL_MS / 2);
  });

  it("enqueues nothing when the task's transaction rolls back", async () => {
    const userId = await createTestUser(db);
    let runId = "";
    // The run is enqueued in createTask's transaction, then something fails before the commit.
    const enqueueThenFail: TaskDispatcher = {
      startWake: engine.startWake,
      startRun: (id, options) => engine.startRun(id, options),
      signal: (...args) => engine.signal(...args),
      deliverNotification: (notification) => engine.deliverNotification(notification),
      async startRunInTransaction(tx, id, options) {
        await engine.startRunInTransaction(tx, id, options);
        runId = id;
        throw new Error("changed my mind");
      },
    };
    await expect(createTask({ db, engine: enqueueThenFail }, { userId, title: "Never", prompt: "No.", ...DEMO })).rejects.toThrow("changed my mind");
    expect(runId).not.toBe("");
    const rows = await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "${DBOS_SCHEMA}".workflow_status WHERE workflow_uuid = $1`, runId);
    expect(rows).toHaveLength(0);
    expect(await db.task.count({ where: { userId } })).toBe(0);
  });
});
