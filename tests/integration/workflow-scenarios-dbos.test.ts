// The shared workflow scenarios (tests/support/workflow-scenarios.ts) on the DBOS engine: the real
// worker process on its own Postgres, the web side's DbosDispatcher.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { configureModelsInThisProcess, startAgentWorker, startFixtureSite, type AgentWorker, type FixtureSite } from "../support/agent-harness";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { APPROVAL_TTL_MS, workflowScenarios, workflowScript, type WorkflowBackend } from "../support/workflow-scenarios";

configureModelsInThisProcess();

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let site: FixtureSite;
let model: ScriptedModelServer;
let worker: AgentWorker | undefined;

// One executor id for every start: a restarted DBOS worker recovers the workflows of its own id.
const WORKER_ID = `scenarios-${randomUUID().slice(0, 8)}`;
const startDbosWorker = () => startAgentWorker({ databaseUrl: pg.url, workerId: WORKER_ID, model, env: { BATON_APPROVAL_TTL_MS: String(APPROVAL_TTL_MS) } });

const backend: WorkflowBackend = {
  get db() {
    return db;
  },
  get engine() {
    return engine;
  },
  get site() {
    return site;
  },
  stop: async () => {
    await worker?.kill("SIGTERM");
    worker = undefined;
  },
  restart: async () => {
    worker = await startDbosWorker();
  },
  diagnostics: () => `worker output:\n${worker?.output().slice(-4000) ?? "(no worker)"}`,
};

beforeAll(async () => {
  pg = await testDatabase("workflow-scenarios-dbos");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  site = await startFixtureSite();
  model = await startScriptedModelServer({ latencyMs: 150, script: workflowScript.script });
  worker = await startDbosWorker();
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), site?.close()]);
  await pg?.destroy();
});

describe("workflow scenarios on DBOS", () => {
  for (const scenario of workflowScenarios) test(scenario.name, () => scenario.run(backend));
});
