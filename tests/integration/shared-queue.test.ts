// Several workers on one database share the task queue: every task runs exactly once, and the
// work spreads across the workers, each within its configured concurrency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { createTask } from "@/lib/tasks/create-task";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

process.env.BATON_MODEL_PROVIDER = "openai";
process.env.OPENAI_API_KEY = "sk-test-not-a-real-key-000000";
const MODEL = { provider: "openai", model: "gpt-5-mini" };
const TASKS = 24;
const CONCURRENCY = 4;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let model: ScriptedModelServer;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  pg = await testDatabase("shared-queue");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  model = await startScriptedModelServer({ latencyMs: 400 });
  for (const id of ["shared-a", "shared-b"]) {
    workers.push(
      await startWorker({ databaseUrl: pg.url, workerId: id, modelBaseUrl: model.url, env: { BATON_WORKER_CONCURRENCY: String(CONCURRENCY), BATON_MODEL_POLL_MS: "100" } }),
    );
  }
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.kill()));
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close()]);
  await pg?.destroy();
});

describe("two workers on one database", () => {
  it("run every task exactly once between them, never more at once than their concurrency allows", async () => {
    const userId = await createTestUser(db);
    const createsBefore = model.stats.responsesCreated;
    const ids: string[] = [];
    for (let index = 0; index < TASKS; index++) {
      ids.push((await createTask({ db, engine }, { userId, title: `Shared ${index}`, prompt: `task ${index}`, ...MODEL })).task.id);
    }
    await waitFor(async () => (await db.task.count({ where: { id: { in: ids }, status: "completed" } })) === TASKS, {
      timeoutMs: 60_000,
      what: "all tasks completed",
    });

    expect(await db.run.count({ where: { taskId: { in: ids } } })).toBe(TASKS);
    expect(await db.artifact.count({ where: { taskId: { in: ids } } })).toBe(TASKS);
    expect(model.stats.responsesCreated - createsBefore).toBe(TASKS);

    // Which worker ran what, from DBOS's own record of each workflow (workflow id = run id).
    const runs = await db.run.findMany({ where: { taskId: { in: ids } }, select: { id: true, startedAt: true, finishedAt: true } });
    const executors = await db.$queryRawUnsafe<{ executor_id: string; count: bigint }[]>(
      `SELECT executor_id, count(*) FROM dbos.workflow_status WHERE workflow_uuid = ANY($1) GROUP BY executor_id`,
      runs.map((run) => run.id),
    );
    const perWorker = Object.fromEntries(executors.map((row) => [row.executor_id, Number(row.count)]));
    expect(Object.keys(perWorker).sort()).toEqual(["shared-a", "shared-b"]);
    expect(perWorker["shared-a"]! + perWorker["shared-b"]!).toBe(TASKS);

    // At no moment were more runs in flight than both workers' concurrency together.
    const events = runs.flatMap((run) => [
      { at: run.startedAt!.getTime(), delta: 1 },
      { at: run.finishedAt!.getTime(), delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let inFlight = 0;
    let peak = 0;
    for (const event of events) peak = Math.max(peak, (inFlight += event.delta));
    expect(peak).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(peak).toBeGreaterThan(1);
  });
});
