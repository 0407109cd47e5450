// Postgres goes away for a few seconds while a task is running. The web API says so plainly (503)
// instead of failing obscurely, writes nothing, and the worker rides the outage out: the running
// task finishes once the database is back, and new work flows again.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GET } from "@/app/api/tasks/route";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { DATABASE_UNAVAILABLE_MESSAGE, toAppError } from "@/lib/errors";
import { createTask } from "@/lib/tasks/create-task";
import { createSignedInUser } from "../support/factories";
import { startTestPostgres, type TestPostgres } from "../support/test-postgres";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

const PG_PORT = 25415;
const OUTAGE_MS = 3000;
const MODEL = { provider: "openai", model: "gpt-5-mini" };

let pg: TestPostgres;
let engine: DbosDispatcher;
let userId: string;
let cookie: string;
const workers: WorkerProcess[] = [];
const servers: ScriptedModelServer[] = [];

beforeAll(async () => {
  pg = await startTestPostgres(PG_PORT);
  // The route handlers use lib/db's process-wide client, built from the environment on first use:
  // point it at this test's own Postgres (the one that will be stopped) before anything reads it.
  process.env.DATABASE_URL = pg.url;
  process.env.BATON_MODEL_PROVIDER = "openai";
  process.env.OPENAI_API_KEY = "sk-test-not-a-real-key-000000";
  engine = new DbosDispatcher(pg.url);
  // GET /api/tasks acts for the signed-in user: create the tasks as that user.
  ({ userId, cookie } = await createSignedInUser(db()));
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.kill("SIGKILL")));
  await Promise.allSettled([engine?.close(), db().$disconnect(), ...servers.map((server) => server.close())]);
  await pg?.destroy();
});

/** A model server and the one worker serving the queue (the previous test's worker is stopped). */
async function workerWithModel(options: { latencyMs: number; createDelayMs?: number }) {
  await Promise.all(workers.map((worker) => worker.kill("SIGTERM")));
  const server = await startScriptedModelServer(options);
  servers.push(server);
  const worker = await startWorker({
    databaseUrl: pg.url,
    workerId: `pg-restart-${randomUUID().slice(0, 8)}`,
    modelBaseUrl: server.url,
    env: { BATON_MODEL_POLL_MS: "200" },
  });
  workers.push(worker);
  return { server, worker, output: () => `\nworker output:\n${worker.output()}` };
}

function listRequest(): Request {
  return new Request("http://127.0.0.1:3000/api/tasks", { headers: { cookie } });
}

async function waitForStatus(taskId: string, statuses: string[], timeoutMs: number, workerOutput: () => string) {
  try {
    return await waitFor(
      async () => {
        const task = await db().task.findUniqueOrThrow({ where: { id: taskId }, include: { runs: true } });
        return statuses.includes(task.status) ? task : undefined;
      },
      { timeoutMs, what: `task ${taskId} to be ${statuses.join(" or ")}` },
    );
  } catch (error) {
    throw new Error(`${String(error)}${workerOutput()}`);
  }
}

describe("a Postgres restart while a task runs", () => {
  test("the API answers 503, writes nothing, and the running task completes once Postgres is back", async () => {
    const { server, worker, output: workerOutput } = await workerWithModel({ latencyMs: 4000 });
    const before = { ...server.stats };
    const { task } = await createTask({ db: db(), engine }, { userId, title: "Survive a restart", prompt: "Say hello", ...MODEL });
    // Running, with the model's background response recorded: the outage hits the poll loop.
    await waitFor(async () => (await db().run.findFirstOrThrow({ where: { taskId: task.id } })).responseId !== null, {
      timeoutMs: 20_000,
      what: "the model to start",
    });
    expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("running");

    const listBefore = await GET(listRequest());
    expect(listBefore.status).toBe(200);
    expect(((await listBefore.json()) as { tasks: { id: string }[] }).tasks.map((t) => t.id)).toContain(task.id);

    await pg.stop();
    const stoppedAt = Date.now();

    // The web API while the database is away: a 503 that says what is wrong, not a 500.
    const during = await GET(listRequest());
    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toBe("5");
    expect(await during.json()).toEqual({ error: { code: "UNAVAILABLE", message: DATABASE_UNAVAILABLE_MESSAGE } });

    // A task submitted now fails as unavailable.
    const attempt = await createTask({ db: db(), engine }, { userId, title: "Submitted during the outage", prompt: "Say hi", ...MODEL }).then(
      () => "created",
      (error: unknown) => error,
    );
    expect(attempt).not.toBe("created");
    expect(toAppError(attempt).code).toBe("UNAVAILABLE");

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    expect(worker.child.exitCode, `the worker died during the outage${workerOutput()}`).toBeNull();
    await pg.start();

    // The same process-wide client serves again without a restart of the web side.
    const after = await waitFor(
      async () => {
        const response = await GET(listRequest());
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 15_000, what: "GET /api/tasks to answer again" },
    );
    const listed = ((await after.json()) as { tasks: { title: string }[] }).tasks.map((t) => t.title);
    expect(listed).toEqual(["Survive a restart"]);
    expect(await db().task.count({ where: { userId } })).toBe(1);
    expect(await db().run.count()).toBe(1);

    const finished = await waitForStatus(task.id, ["completed", "failed", "canceled"], 45_000, workerOutput);
    expect(finished.status, finished.statusReason ?? "").toBe("completed");
    expect(finished.runs).toHaveLength(1);
    expect(await db().artifact.count({ where: { taskId: task.id } })).toBe(1);
    const statuses = (await db().timelineEvent.findMany({ where: { taskId: task.id, type: "task.status" }, orderBy: { id: "asc" } })).map(
      (e) => (e.data as { status: string }).status,
    );
    expect(statuses).toEqual(["running", "completed"]);
    expect(server.stats.responsesCreated - before.responsesCreated).toBe(1);

    // The worker is still the one started before the outage, and it takes new work.
    expect(worker.child.exitCode, `the worker died${workerOutput()}`).toBeNull();
    const { task: next } = await createTask({ db: db(), engine }, { userId, title: "After the restart", prompt: "Say hello again", ...MODEL });
    const nextFinished = await waitForStatus(next.id, ["completed", "failed", "canceled"], 30_000, workerOutput);
    expect(nextFinished.status, nextFinished.statusReason ?? "").toBe("completed");
  }, 120_000);

  test("an outage while the model call is in flight: the start step records the response once Postgres is back", async () => {
    // The create is held, so the outage lands on the start step; the response stays in progress
    // long after the outage, so the step has to record it rather than get a finished answer.
    const { server, worker, output: workerOutput } = await workerWithModel({ latencyMs: 12_000, createDelayMs: 1000 });
    const before = { ...server.stats };
    const { task } = await createTask({ db: db(), engine }, { userId, title: "Outage during start", prompt: "Say hello", ...MODEL });
    await waitFor(async () => server.stats.createRequests > before.createRequests, { timeoutMs: 20_000, what: "the create request" });
    await pg.stop();
    // The model answers while the database is away; the step's write of the response id must wait.
    await waitFor(async () => server.stats.responsesCreated > before.responsesCreated, { timeoutMs: 5000, what: "the model's answer" });
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    expect(worker.child.exitCode, `the worker died during the outage${workerOutput()}`).toBeNull();
    await pg.start();

    const finished = await waitForStatus(task.id, ["completed", "failed", "canceled"], 45_000, workerOutput);
    expect(finished.status, finished.statusReason ?? "").toBe("completed");
    expect(finished.runs[0]!.responseId).not.toBeNull();
    expect(await db().artifact.count({ where: { taskId: task.id } })).toBe(1);
    expect(await db().timelineEvent.count({ where: { taskId: task.id, type: "model.started" } })).toBe(1);
    // The outage did hit the step (its write failed, so it ran again), and the idempotency key
    // kept the repeat from starting a second response.
    expect(server.stats.createRequests - before.createRequests).toBeGreaterThanOrEqual(2);
    expect(server.stats.responsesCreated - before.responsesCreated).toBe(1);
  }, 90_000);
});
