// The spawn_subtasks scenarios (tests/support/subtask-scenarios.ts) on the Inngest engine: the real
// Inngest functions run by @inngest/test's engine behind the in-process Inngest stand-in. The
// crash is the server stopping mid-way (no function is called until it resumes), as Inngest Cloud
// being unreachable is; each sub-task is its own run-task function run.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { NOTIFICATION_REQUESTED_EVENT } from "@/lib/engine/inngest/names";
import { configureModelsInThisProcess, waitForStatus } from "../support/agent-harness";
import { startInngestBackend, type InngestBackend } from "../support/inngest-backend";
import { startBarrier, startParent, subtaskScenarios, subtaskScript, type Barrier, type SubtaskBackend } from "../support/subtask-scenarios";
import { testDatabase, type TestDatabase } from "../support/test-database";

configureModelsInThisProcess();

let pg: TestDatabase;
let db: Db;
let barrier: Barrier;
let model: ScriptedModelServer;
let inngest: InngestBackend;

const backend: SubtaskBackend = {
  get db() {
    return db;
  },
  get engine() {
    return inngest.dispatcher;
  },
  get barrier() {
    return barrier;
  },
  crash: async () => inngest.server.pause(),
  restart: async () => inngest.server.resume(),
  diagnostics: () =>
    `Inngest runs:\n${inngest.server.runs
      .slice(-8)
      .map((run) => `${run.fn.id()} ${run.status}: ${run.steps.map((step) => `${step.name}(${step.op})`).join(" ")}${run.error ? ` error ${JSON.stringify(run.error)}` : ""}`)
      .join("\n")}`,
};

beforeAll(async () => {
  pg = await testDatabase("subtasks-inngest");
  db = createDb(pg.url);
  barrier = await startBarrier();
  model = await startScriptedModelServer({ latencyMs: 150, script: subtaskScript.script });
  inngest = startInngestBackend({ db, model, approvalTtlMs: 60_000, pollIntervalMs: 200 });
});

afterAll(async () => {
  inngest?.close();
  await Promise.allSettled([db?.$disconnect(), model?.close(), barrier?.close()]);
  await pg?.destroy();
});

describe("sub-tasks on Inngest", () => {
  for (const scenario of subtaskScenarios) test(scenario.name, () => scenario.run(backend), 180_000);

  // This backend asks for every notification (the DBOS worker first checks for a subscribed device).
  test("only the parent's outcome is notified, not each sub-task's", async () => {
    const { taskId } = await startParent(backend, { parts: 2, group: `notify-${Date.now()}` });
    await waitForStatus(db, taskId, "completed", undefined, 60_000);
    const runIds = async (where: { taskId?: string; task?: { parentTaskId: string } }) => (await db.run.findMany({ where, select: { id: true } })).map((run) => run.id);
    const notified = inngest.server.events.filter((event) => event.name === NOTIFICATION_REQUESTED_EVENT).map((event) => event.data.id);
    for (const runId of await runIds({ taskId })) expect(notified).toContain(`completed-${runId}`);
    const children = await runIds({ task: { parentTaskId: taskId } });
    expect(children).toHaveLength(2);
    for (const runId of children) expect(notified).not.toContain(`completed-${runId}`);
  }, 120_000);
});
