// kill -9 of the worker, again and again, while tasks POST to a ledger: nothing whose answer Baton
// recorded is sent again, whatever is sent again carries the same idempotency key, every call is
// on the timeline once, and every task finishes. Half the kills land at the worst moment (the
// ledger has answered, Baton has not yet written it down), half right after a model turn was
// recorded (the tool call not yet made), after a random 1-3 of them. `npm run chaos` runs the long
// version (CHAOS_TASKS, CHAOS_KILLS).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { setPolicyRule } from "@/lib/policy/risk-policy";
import { createTask } from "@/lib/tasks/create-task";
import { ledgerBookingScript, startLedger, type Ledger, type LedgerRequest } from "../fakes/ledger";
import { OPENAI_MODEL, configureModelsInThisProcess, startAgentWorker, type AgentWorker } from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();

const TASKS = Number(process.env.CHAOS_TASKS ?? 4);
const KILLS = Number(process.env.CHAOS_KILLS ?? 6);
const POSTS_PER_TASK = 4;
const WORKER_ID = `kill-loop-${randomUUID().slice(0, 8)}`;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let ledger: Ledger;
let model: ScriptedModelServer;
let worker: AgentWorker | undefined;
let userId: string;

beforeAll(async () => {
  pg = await testDatabase("kill-loop");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  ledger = await startLedger({ answerDelayMs: () => 20 + Math.random() * 100 });
  model = await startScriptedModelServer({ script: ledgerBookingScript(ledger, POSTS_PER_TASK) });
  userId = await createTestUser(db, "Kill loop");
  await setPolicyRule(db, { userId, scope: "tool", key: "http_request", decision: "allow" });
});

afterAll(async () => {
  await worker?.kill("SIGKILL");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), ledger?.close()]);
  await pg?.destroy();
});

const startTheWorker = () => startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model, env: { BATON_MODEL_POLL_MS: "50" } });

function nextAnswer(timeoutMs: number): Promise<LedgerRequest | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(undefined);
    }, timeoutMs);
    const stop = ledger.onAnswered((request) => {
      clearTimeout(timer);
      stop();
      resolve(request);
    });
  });
}

describe("a worker killed over and over", () => {
  test(`${TASKS} tasks x ${POSTS_PER_TASK} POSTs through ${KILLS} kill -9s: no recorded effect sent twice, none lost`, { timeout: 600_000 }, async () => {
    const started = Date.now();
    const taskIds: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      const { task } = await createTask({ db, engine }, { userId, title: `Ledger ${i}`, prompt: `Book four entries. ledger-task t${i}-${randomUUID().slice(0, 6)}`, ...OPENAI_MODEL });
      taskIds.push(task.id);
    }
    const unfinished = () => db.task.count({ where: { id: { in: taskIds }, status: { notIn: ["completed", "failed", "canceled"] } } });

    worker = await startTheWorker();
    let kills = 0;
    while (kills < KILLS && (await unfinished()) > 0) {
      if (kills % 2 === 0) {
        // The worst moment: the far side has answered, Baton has not written it down yet.
        if (!(await nextAnswer(15_000))) break;
      } else {
        // Between steps: a turn is on record and its tool call is about to start.
        const turns = () => db.timelineEvent.count({ where: { taskId: { in: taskIds }, type: "model.turn" } });
        const target = (await turns()) + 1 + Math.floor(Math.random() * 3);
        await waitFor(async () => (await turns()) >= target || (await unfinished()) === 0, { timeoutMs: 30_000, what: "more model turns" });
      }
      await worker.kill("SIGKILL");
      kills++;
      worker = await startTheWorker();
    }
    await waitFor(async () => (await unfinished()) === 0, { timeoutMs: 180_000, what: "every task to finish" });

    const tasks = await db.task.findMany({ where: { id: { in: taskIds } }, select: { status: true } });
    expect(tasks.map((task) => task.status)).toEqual(taskIds.map(() => "completed"));

    // Every call once on the timeline, however many attempts it took.
    const called = await db.timelineEvent.groupBy({ by: ["taskId"], where: { taskId: { in: taskIds }, type: "tool.called" }, _count: true });
    expect(called.map((group) => group._count)).toEqual(taskIds.map(() => POSTS_PER_TASK));

    const effects = await db.effect.findMany({ where: { run: { taskId: { in: taskIds } } } });
    expect(effects).toHaveLength(TASKS * POSTS_PER_TASK);
    for (const effect of effects) {
      const sent = ledger.requests.filter((request) => request.idempotencyKey === effect.idempotencyKey);
      expect(sent.length, `requests with key ${effect.idempotencyKey}`).toBeGreaterThanOrEqual(1);
      // Once its answer was written down, a call is never made again.
      expect(sent.filter((request) => request.receivedAt > effect.finishedAt!.getTime())).toEqual([]);
      expect(effect.attempts).toBeGreaterThanOrEqual(sent.length);
    }
    // Whatever was sent more than once carried one key throughout, so the ledger applied it once.
    const entries = new Map<string, Set<string | undefined>>();
    for (const request of ledger.requests) entries.set(request.entry, (entries.get(request.entry) ?? new Set()).add(request.idempotencyKey));
    expect([...entries.values()].filter((keys) => keys.size !== 1)).toEqual([]);
    expect(new Set(ledger.applied.values()).size).toBe(TASKS * POSTS_PER_TASK);

    const resent = [...entries.keys()].filter((entry) => ledger.requests.filter((request) => request.entry === entry).length > 1);
    const retried = await db.timelineEvent.count({ where: { taskId: { in: taskIds }, type: "tool.retried" } });
    console.log(
      `[kill-loop] ${TASKS} tasks, ${kills} kills, ${ledger.requests.length} requests for ${entries.size} entries; ` +
        `${resent.length} entries sent again after a crash (same key), ${retried} retries on the timeline; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
});
