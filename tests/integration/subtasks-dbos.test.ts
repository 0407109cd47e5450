// The spawn_subtasks scenarios (tests/support/subtask-scenarios.ts) on the DBOS engine: the real
// worker process on its own Postgres, killed with SIGKILL for the crash, the web side's DbosDispatcher.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { configureModelsInThisProcess, startAgentWorker, type AgentWorker } from "../support/agent-harness";
import { startBarrier, subtaskScenarios, subtaskScript, type Barrier, type SubtaskBackend } from "../support/subtask-scenarios";
import { testDatabase, type TestDatabase } from "../support/test-database";

configureModelsInThisProcess();

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let barrier: Barrier;
let model: ScriptedModelServer;
let worker: AgentWorker | undefined;

// One executor id for every start: a restarted DBOS worker recovers the workflows of its own id.
const WORKER_ID = `subtasks-${randomUUID().slice(0, 8)}`;
const startDbosWorker = () => startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model });

const backend: SubtaskBackend = {
  get db() {
    return db;
  },
  get engine() {
    return engine;
  },
  get barrier() {
    return barrier;
  },
  crash: async () => {
    await worker?.kill("SIGKILL");
    worker = undefined;
  },
  restart: async () => {
    worker = await startDbosWorker();
  },
  diagnostics: () => `worker output:\n${worker?.output().slice(-4000) ?? "(no worker)"}`,
};

beforeAll(async () => {
  pg = await testDatabase("subtasks-dbos");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  barrier = await startBarrier();
  model = await startScriptedModelServer({ latencyMs: 150, script: subtaskScript.script });
  worker = await startDbosWorker();
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), barrier?.close()]);
  await pg?.destroy();
});

describe("sub-tasks on DBOS", () => {
  for (const scenario of subtaskScenarios) test(scenario.name, () => scenario.run(backend), 180_000);
});
