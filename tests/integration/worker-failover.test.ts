// Two workers share a queue; one is killed for good with runs in flight. The other notices its
// silence and takes its runs over (default heartbeat settings), they finish without repeating a
// recorded effect, the timeline says what happened, and the dead worker coming back runs nothing
// again. Prints the time from the kill to the runs resuming.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { ledgerBookingScript, startLedger, type Ledger } from "../fakes/ledger";
import { OPENAI_MODEL, configureModelsInThisProcess, startAgentWorker, type AgentWorker } from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();

const TASKS = 4;
const suffix = randomUUID().slice(0, 6);
const W1 = `w1-${suffix}`;
const W2 = `w2-${suffix}`;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let ledger: Ledger;
let model: ScriptedModelServer;
let userId: string;
const workers: AgentWorker[] = [];

beforeAll(async () => {
  pg = await testDatabase("worker-failover");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  // Answers nothing until the first worker is dead, so it dies with every run's call in flight.
  ledger = await startLedger({ hold: true });
  model = await startScriptedModelServer({ script: ledgerBookingScript(ledger, 2) });
  userId = await createTestUser(db, "Failover");
  await setPolicyRule(db, { userId, scope: "tool", key: "http_request", decision: "allow" });
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.kill("SIGKILL")));
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), ledger?.close()]);
  await pg?.destroy();
});

async function worker(id: string): Promise<AgentWorker> {
  const started = await startAgentWorker({ databaseUrl: pg.url, workerId: id, model, env: { BATON_MODEL_POLL_MS: "50" } });
  workers.push(started);
  return started;
}

describe("a worker that dies for good", () => {
  test("has its runs taken over by the live one within the dead-after window", { timeout: 120_000 }, async () => {
    const w1 = await worker(W1);
    const taskIds: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      const { task } = await createTask({ db, engine }, { userId, title: `Failover ${i}`, prompt: `Book. ledger-task f${i}-${suffix}`, ...OPENAI_MODEL });
      taskIds.push(task.id);
    }
    // Every run is on w1 and has a call out at the ledger.
    await waitFor(async () => (await db.run.count({ where: { taskId: { in: taskIds }, executorId: W1 } })) === TASKS, { what: "w1 to take every run" });
    await waitFor(async () => new Set(ledger.requests.map((request) => request.entry.split("-")[0])).size === TASKS, { what: "a call of every run in flight" });
    await worker(W2);

    await w1.kill("SIGKILL");
    const killedAt = Date.now();
    ledger.release();
    await waitFor(async () => (await db.task.count({ where: { id: { in: taskIds }, status: "completed" } })) === TASKS, { timeoutMs: 90_000, what: "every task to complete on w2" });

    const resumed = await db.timelineEvent.findMany({ where: { taskId: { in: taskIds }, type: "worker.resumed" }, orderBy: { createdAt: "asc" } });
    expect(resumed.map((event) => event.message)).toEqual(taskIds.map(() => `Resumed on worker ${W2} after ${W1} stopped`));
    const takenOver = await db.timelineEvent.count({ where: { taskId: { in: taskIds }, type: "worker.taken-over" } });
    expect(takenOver).toBe(TASKS);
    expect(await db.worker.findUniqueOrThrow({ where: { id: W1 } })).toMatchObject({ takenOverBy: W2 });

    // Nothing recorded was sent again, and every call is on the timeline once.
    for (const effect of await db.effect.findMany({ where: { run: { taskId: { in: taskIds } } } })) {
      expect(ledger.requests.filter((request) => request.idempotencyKey === effect.idempotencyKey && request.receivedAt > effect.finishedAt!.getTime())).toEqual([]);
    }
    expect(await db.timelineEvent.count({ where: { taskId: { in: taskIds }, type: "tool.called" } })).toBe(TASKS * 2);

    // w1 comes back: DBOS recovers its pending workflows at launch, and there are none left.
    const sentBefore = ledger.requests.length;
    const eventsBefore = await db.timelineEvent.count({ where: { taskId: { in: taskIds } } });
    await worker(W1);
    expect(await db.run.count({ where: { taskId: { in: taskIds }, executorId: W2 } })).toBe(TASKS);
    expect(ledger.requests.length).toBe(sentBefore);
    expect(await db.timelineEvent.count({ where: { taskId: { in: taskIds } } })).toBe(eventsBefore);
    expect(await db.worker.findUniqueOrThrow({ where: { id: W1 } })).toMatchObject({ takenOverAt: null });

    const delays = resumed.map((event) => event.createdAt.getTime() - killedAt).sort((a, b) => a - b);
    console.log(`[failover] kill -9 of ${W1} → its ${TASKS} runs resumed on ${W2} after ${(delays[0]! / 1000).toFixed(1)}–${(delays.at(-1)! / 1000).toFixed(1)} s (heartbeat 3 s, dead after 15 s)`);
  });
});
