// The shared workflow scenarios (tests/support/workflow-scenarios.ts) on the Inngest engine: the
// real Inngest functions run by @inngest/test's engine behind an in-process Inngest stand-in, the
// web side's InngestDispatcher sending it events.
import { afterAll, beforeAll, describe, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { configureModelsInThisProcess, startFixtureSite, type FixtureSite } from "../support/agent-harness";
import { startInngestBackend, type InngestBackend } from "../support/inngest-backend";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { APPROVAL_TTL_MS, workflowScenarios, workflowScript, type WorkflowBackend } from "../support/workflow-scenarios";

configureModelsInThisProcess();

let pg: TestDatabase;
let db: Db;
let site: FixtureSite;
let model: ScriptedModelServer;
let inngest: InngestBackend;

const backend: WorkflowBackend = {
  get db() {
    return db;
  },
  get engine() {
    return inngest.dispatcher;
  },
  get site() {
    return site;
  },
  stop: async () => inngest.server.pause(),
  restart: async () => inngest.server.resume(),
  diagnostics: () =>
    `Inngest runs:\n${inngest.server.runs
      .slice(-5)
      .map((run) => `${run.fn.id()} ${run.status}: ${run.steps.map((step) => `${step.name}(${step.op})`).join(" ")}${run.error ? ` error ${JSON.stringify(run.error)}` : ""}`)
      .join("\n")}`,
};

beforeAll(async () => {
  pg = await testDatabase("workflow-scenarios-inngest");
  db = createDb(pg.url);
  site = await startFixtureSite();
  model = await startScriptedModelServer({ latencyMs: 150, script: workflowScript.script });
  inngest = startInngestBackend({ db, model, approvalTtlMs: APPROVAL_TTL_MS });
});

afterAll(async () => {
  inngest?.close();
  await Promise.allSettled([db?.$disconnect(), model?.close(), site?.close()]);
  await pg?.destroy();
});

describe("workflow scenarios on Inngest", () => {
  for (const scenario of workflowScenarios) test(scenario.name, () => scenario.run(backend));
});
