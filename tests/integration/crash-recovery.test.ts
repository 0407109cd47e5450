// kill -9 of a worker in the middle of a task: a new worker with the same executor id recovers the
// workflow from its checkpoints. A finished step is replayed, never run again; a step cut off in
// flight runs again, and its idempotency key keeps the model from starting a second response.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { createTask } from "@/lib/tasks/create-task";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

// The task must name the OpenAI provider, which this process only offers when configured; env()
// is read lazily, so setting these before the first createTask is enough.
process.env.BATON_MODEL_PROVIDER = "openai";
process.env.OPENAI_API_KEY = "sk-test-not-a-real-key-000000";
const MODEL = { provider: "openai", model: "gpt-5-mini" };

// Its own Postgres: workers of other test files on the shared one would take tasks off the same
// DBOS queue and answer them from their own model server.
let pg: TestDatabase;
let databaseUrl: string;
let db: Db;
let engine: DbosDispatcher;
let userId: string;
const workers: WorkerProcess[] = [];
const servers: ScriptedModelServer[] = [];

beforeAll(async () => {
  pg = await testDatabase("crash-recovery");
  databaseUrl = pg.url;
  db = createDb(databaseUrl);
  engine = new DbosDispatcher(databaseUrl);
  userId = await createTestUser(db, "Crash recovery");
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.kill("SIGKILL")));
  await Promise.allSettled([engine?.close(), db?.$disconnect(), ...servers.map((server) => server.close())]);
  await pg?.destroy();
});

async function modelServer(options: { latencyMs: number; createDelayMs?: number }): Promise<ScriptedModelServer> {
  const server = await startScriptedModelServer(options);
  servers.push(server);
  return server;
}

async function worker(workerId: string, server: ScriptedModelServer): Promise<WorkerProcess> {
  const started = await startWorker({ databaseUrl, workerId, modelBaseUrl: server.url, env: { BATON_MODEL_POLL_MS: "200" } });
  workers.push(started);
  return started;
}

async function crash(victim: WorkerProcess, server: ScriptedModelServer): Promise<void> {
  await victim.kill("SIGKILL");
  expect(victim.child.signalCode).toBe("SIGKILL");
  // Really gone, not orphaned: nothing polls the model until a new worker starts.
  const retrieves = server.stats.retrieves;
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(server.stats.retrieves, "model polls after the kill").toBe(retrieves);
}

async function newTask(title: string): Promise<string> {
  const { task } = await createTask({ db, engine }, { userId, title, prompt: `Say hello (${title})`, ...MODEL });
  return task.id;
}

function run(taskId: string) {
  return db.run.findFirstOrThrow({ where: { taskId } });
}

async function waitForTerminal(taskId: string, what: string, output: () => string) {
  try {
    return await waitFor(
      async () => {
        const task = await db.task.findUniqueOrThrow({ where: { id: taskId } });
        return ["completed", "failed", "canceled"].includes(task.status) ? task : undefined;
      },
      { timeoutMs: 30_000, what },
    );
  } catch (error) {
    throw new Error(`${String(error)}\nworker output:\n${output()}`);
  }
}

/** The task's single completion, with the checks that hold however many times it was recovered. */
async function expectCompletedOnce(taskId: string, what: string, output: () => string) {
  const task = await waitForTerminal(taskId, what, output);
  expect(task.status, `${what}: ${task.statusReason ?? ""}`).toBe("completed");
  const artifacts = await db.artifact.findMany({ where: { taskId } });
  expect(artifacts.map((a) => a.name)).toEqual(["answer.md"]);
  expect(Buffer.from(artifacts[0]!.content).toString("utf8")).toContain("hello");
  const events = await db.timelineEvent.findMany({ where: { taskId }, orderBy: { id: "asc" } });
  const statuses = events.filter((e) => e.type === "task.status").map((e) => (e.data as { status: string }).status);
  expect(statuses).toEqual(["running", "completed"]);
  // Recorded by the start step when the model answers "in progress"; a response that is already
  // done by the time a re-run start step gets it is recorded by no one, but never twice.
  expect(events.filter((e) => e.type === "model.started").length).toBeLessThanOrEqual(1);
  expect(events.filter((e) => e.type === "artifact.created")).toHaveLength(1);
  const finished = await run(taskId);
  expect(finished.status).toBe("completed");
  expect(finished.outputTokens).toBeGreaterThan(0);
  return finished;
}

describe("a worker killed with SIGKILL", () => {
  test("mid-poll, three times over: the recovered workflow finishes without starting the model again", async () => {
    const server = await modelServer({ latencyMs: 3000 });
    const workerId = `crash-poll-${randomUUID().slice(0, 8)}`;
    let current = await worker(workerId, server);

    for (let round = 1; round <= 3; round++) {
      const before = { ...server.stats };
      const taskId = await newTask(`Crash mid-poll ${round}`);

      // The start step is checkpointed once a retrieve of its response has reached the model.
      const responseId = await waitFor(
        async () => {
          const { responseId } = await run(taskId);
          return responseId && server.stats.retrieves > before.retrieves ? responseId : undefined;
        },
        { timeoutMs: 20_000, what: `round ${round}: the first poll of the model` },
      );
      // Vary where in the poll loop the kill lands (a durable wait or a poll in flight).
      await new Promise((resolve) => setTimeout(resolve, 150 * (round - 1)));
      const beforeCrash = await db.task.findUniqueOrThrow({ where: { id: taskId } });
      expect(beforeCrash.status).toBe("running");
      await crash(current, server);

      current = await worker(workerId, server);
      const finished = await expectCompletedOnce(taskId, `round ${round}: the recovered task`, current.output);

      expect(finished.responseId).toBe(responseId);
      const events = await db.timelineEvent.findMany({ where: { taskId, type: "model.started" } });
      expect(events).toHaveLength(1);
      expect(server.stats.createRequests - before.createRequests, `round ${round}: create requests`).toBe(1);
      expect(server.stats.responsesCreated - before.responsesCreated, `round ${round}: responses created`).toBe(1);
      // The new worker kept polling the same response after the crash.
      expect(server.stats.retrieves - before.retrieves).toBeGreaterThanOrEqual(2);
    }
    await current.kill("SIGTERM");
  }, 120_000);

  test("while the start request is in flight: the step runs again but the model starts one response", async () => {
    const server = await modelServer({ latencyMs: 8000, createDelayMs: 2000 });
    const workerId = `crash-start-${randomUUID().slice(0, 8)}`;
    const first = await worker(workerId, server);
    const before = { ...server.stats };
    const taskId = await newTask("Crash during start");

    await waitFor(async () => server.stats.createRequests > before.createRequests, { timeoutMs: 20_000, what: "the create request" });
    // Let the server read the body, then kill while it still holds the request.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.stats.responsesCreated - before.responsesCreated).toBe(0);
    expect((await run(taskId)).responseId).toBeNull();
    await crash(first, server);

    // The held request still creates its response, though nobody is left to hear the answer.
    await waitFor(async () => server.stats.responsesCreated - before.responsesCreated === 1, {
      timeoutMs: 5000,
      what: "the orphaned create to finish on the model side",
    });
    expect((await run(taskId)).responseId).toBeNull();

    const second = await worker(workerId, server);
    await expectCompletedOnce(taskId, "the task recovered from a crash during start", second.output);
    // The unfinished step ran again (a second create request), and the idempotency key made the
    // model return the response the first request had already created.
    expect(server.stats.createRequests - before.createRequests).toBe(2);
    expect(server.stats.responsesCreated - before.responsesCreated).toBe(1);
    await second.kill("SIGTERM");
  }, 90_000);

  test("a run recorded by a Baton that checkpointed every step resumes on one whose start and end record themselves", async () => {
    const server = await modelServer({ latencyMs: 3000 });
    const workerId = `crash-upgrade-${randomUUID().slice(0, 8)}`;
    // As Baton did before 2026-12-03 (and does with BATON_CHECKPOINT_EVERY_STEP=1): begin-run is a DBOS step.
    const old = await startWorker({ databaseUrl, workerId, modelBaseUrl: server.url, env: { BATON_MODEL_POLL_MS: "200", BATON_CHECKPOINT_EVERY_STEP: "1" } });
    workers.push(old);
    const before = { ...server.stats };
    const taskId = await newTask("Crash across the upgrade");
    const { id: runId } = await run(taskId);
    await waitFor(async () => ((await stepNames(runId)).includes("start-model-1") && server.stats.retrieves > before.retrieves) || undefined, {
      timeoutMs: 20_000,
      what: "the old-style history: begin-run and start-model-1 checkpointed, the model polled",
    });
    expect((await stepNames(runId)).slice(0, 2)).toEqual(["begin-run", "start-model-1"]);
    await crash(old, server);

    const upgraded = await worker(workerId, server);
    await expectCompletedOnce(taskId, "the run resumed on the new Baton", upgraded.output);
    // Its recorded start was replayed (same step number, not run again) and its end recorded itself.
    const names = await stepNames(runId);
    expect(names.filter((name) => name === "begin-run")).toHaveLength(1);
    expect(names).not.toContain("finish-run");
    expect(server.stats.createRequests - before.createRequests).toBe(1);
    await upgraded.kill("SIGTERM");
  }, 90_000);
});

/** The steps DBOS checkpointed for a workflow, in order. */
async function stepNames(workflowId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ function_name: string }[]>`
    SELECT function_name FROM dbos.operation_outputs WHERE workflow_uuid = ${workflowId} ORDER BY function_id`;
  return rows.map((row) => row.function_name);
}
