// The task API end to end: route handlers called with real Requests, a real Postgres, a real
// worker process and the real openai SDK talking to the scripted model server.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { createDb, type Db } from "@/lib/db";
import { createTask } from "@/lib/tasks/create-task";
import type { TaskDetail, TaskSummary } from "@/lib/tasks/views";
import { createSignedInUser, createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let database: TestDatabase;
let model: ScriptedModelServer;
let worker: WorkerProcess;
let db: Db;
let engine: DbosDispatcher;
let owner: { userId: string; cookie: string };
let routes: {
  tasks: typeof import("@/app/api/tasks/route");
  task: typeof import("@/app/api/tasks/[id]/route");
  cancel: typeof import("@/app/api/tasks/[id]/cancel/route");
  retry: typeof import("@/app/api/tasks/[id]/retry/route");
  artifact: typeof import("@/app/api/tasks/[id]/artifacts/[artifactId]/route");
  events: typeof import("@/app/api/events/route");
};

beforeAll(async () => {
  model = await startScriptedModelServer({ latencyMs: 1500, reply: (input) => `# Answer\n\nYou asked: ${input}` });
  // This process plays the web server: same model configuration as the worker.
  Object.assign(process.env, { BATON_MODEL_PROVIDER: "openai", OPENAI_API_KEY: "sk-test-not-a-real-key-000000", OPENAI_BASE_URL: model.url });
  // A database of its own: its worker would otherwise run every task other files create on the shared one.
  database = await testDatabase("tasks-api");
  process.env.DATABASE_URL = database.url;
  const url = database.url;
  worker = await startWorker({ databaseUrl: url, workerId: `api-${randomUUID()}`, modelBaseUrl: model.url, env: { BATON_MODEL_POLL_MS: "100" } });
  db = createDb(url);
  engine = new DbosDispatcher(url);
  owner = await createSignedInUser(db);
  routes = {
    tasks: await import("@/app/api/tasks/route"),
    task: await import("@/app/api/tasks/[id]/route"),
    cancel: await import("@/app/api/tasks/[id]/cancel/route"),
    retry: await import("@/app/api/tasks/[id]/retry/route"),
    artifact: await import("@/app/api/tasks/[id]/artifacts/[artifactId]/route"),
    events: await import("@/app/api/events/route"),
  };
});

afterAll(async () => {
  await worker?.kill();
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close()]);
  await database?.destroy();
});

const base = "http://127.0.0.1:3000";
const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });

function post(path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Request(`${base}${path}`, {
    method: "POST",
    headers: { host: "127.0.0.1:3000", cookie: owner.cookie, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** A GET from the signed-in owner's browser. */
function get(path: string, init: RequestInit = {}) {
  return new Request(path.startsWith("http") ? path : `${base}${path}`, { ...init, headers: { cookie: owner.cookie } });
}

async function createViaApi(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await routes.tasks.POST(post("/api/tasks", body, headers));
  return { response, json: (await response.json()) as { task: TaskSummary; error?: { message: string; fieldErrors?: Record<string, string[]> } } };
}

async function getTask(id: string): Promise<TaskDetail> {
  const response = await routes.task.GET(get(`/api/tasks/${id}`), params({ id }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { task: TaskDetail }).task;
}

const waitForStatus = (id: string, status: string, timeoutMs = 20_000) =>
  waitFor(async () => {
    const task = await getTask(id);
    return task.status === status && task;
  }, { timeoutMs, what: `task ${id} to be ${status}` });

async function countTasks(): Promise<number> {
  return db.task.count();
}

describe("POST /api/tasks", () => {
  it("creates a task that a worker completes, with a timeline and a downloadable markdown artifact", async () => {
    const { response, json } = await createViaApi({ title: "Haiku", prompt: "Write a haiku about durable queues" });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe(`/api/tasks/${json.task.id}`);
    expect(json.task).toMatchObject({ title: "Haiku", status: "queued", provider: "openai" });

    const done = await waitForStatus(json.task.id, "completed");
    expect(done.events.map((event) => event.type)).toEqual(["task.created", "task.status", "model.started", "model.turn", "artifact.created", "task.status"]);
    expect(done.events.at(-1)!.message).toBe("Completed");
    expect(done.runs).toHaveLength(1);
    expect(done.runs[0]!.outputTokens).toBeGreaterThan(0);
    expect(done.artifacts).toHaveLength(1);

    const artifact = done.artifacts[0]!;
    const download = await routes.artifact.GET(get(`${artifact.url}`), params({ id: done.id, artifactId: artifact.id }));
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="answer.md"');
    expect(await download.text()).toBe("# Answer\n\nYou asked: Write a haiku about durable queues");
  });

  it("answers 400 with field errors and writes nothing for bad input", async () => {
    const before = await countTasks();
    const { response, json } = await createViaApi({ title: "", prompt: 42, runAt: "soon" });
    expect(response.status).toBe(400);
    expect(json.error!.fieldErrors).toMatchObject({
      title: ["Give the task a title."],
      prompt: ["Tell Baton what to do."],
      runAt: [expect.stringMatching(/Use a date and time/)],
    });
    const notJson = await routes.tasks.POST(post("/api/tasks", "title=x", { "content-type": "text/plain" }));
    expect(notJson.status).toBe(400);
    const unknownModel = await createViaApi({ title: "x", prompt: "y", provider: "openai", model: "gpt-nonexistent" });
    expect(unknownModel.response.status).toBe(400);
    expect(unknownModel.json.error!.fieldErrors!.model![0]).toMatch(/Choose one of: openai\/gpt-5-mini, demo\/scripted/);
    expect(await countTasks()).toBe(before);
  });

  it("takes the origins the task's browser may open: field errors for what is not an origin or is private without the admin's opening", async () => {
    const before = await countTasks();
    const bad = await createViaApi({ title: "x", prompt: "y", browserOrigins: ["ftp://files.example.com", "https://portal.example.com/login", "portal"] });
    expect(bad.response.status).toBe(400);
    expect(bad.json.error!.fieldErrors!.browserOrigins).toEqual([
      '"ftp://files.example.com": only http and https sites can be opened.',
      '"https://portal.example.com/login" has a path: use an origin such as https://portal.example.com (scheme, host and port, no path).',
      '"portal" is not an origin such as https://portal.example.com (scheme, host and port, no path).',
    ]);
    // This Baton's admin opened no private address (BATON_HTTP_ALLOWLIST is empty here).
    const loopback = await createViaApi({ title: "x", prompt: "y", browserOrigins: ["http://127.0.0.1:8080", "http://localhost"] });
    expect(loopback.response.status).toBe(400);
    expect(loopback.json.error!.fieldErrors!.browserOrigins).toEqual([
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:8080 is .*loopback.*, which the admin's allowlist \(BATON_HTTP_ALLOWLIST\) does not open on port 8080\.$/),
      expect.stringMatching(/^http:\/\/localhost is a loopback name, which .* does not open on port 80\.$/),
    ]);
    expect(await countTasks()).toBe(before);

    const runAt = new Date(Date.now() + 3600_000).toISOString();
    const ok = await createViaApi({ title: "Portal", prompt: "Export the invoices", runAt, browserOrigins: ["https://Portal.Example.com/", "https://portal.example.com", "http://intranet.example:8080"] });
    expect(ok.response.status).toBe(201);
    expect((await getTask(ok.json.task.id)).browserOrigins).toEqual(["https://portal.example.com", "http://intranet.example:8080"]);
    expect((await getTask((await createViaApi({ title: "Plain", prompt: "No browser", runAt })).json.task.id)).browserOrigins).toEqual([]);
  });

  it("returns the first task for a repeated Idempotency-Key, even when the repeats race", async () => {
    const key = randomUUID();
    const body = { title: "Once", prompt: "Only once", runAt: new Date(Date.now() + 3600_000).toISOString() };
    const results = await Promise.all([1, 2, 3].map(() => createViaApi(body, { "idempotency-key": key })));
    const ids = new Set(results.map((result) => result.json.task.id));
    expect(ids.size).toBe(1);
    expect(results.map((result) => result.response.status).sort()).toEqual([200, 200, 201]);
    expect(await db.task.count({ where: { idempotencyKey: key } })).toBe(1);
  });

  it("refuses a cross-site request", async () => {
    const response = await routes.tasks.POST(post("/api/tasks", { title: "x", prompt: "y" }, { origin: "https://evil.example" }));
    expect(response.status).toBe(403);
  });
});

describe("GET /api/tasks", () => {
  it("pages newest first with a cursor and filters by status", async () => {
    const later = new Date(Date.now() + 3600_000).toISOString();
    const created: string[] = [];
    for (let index = 0; index < 5; index++) {
      created.push((await createViaApi({ title: `Page ${index}`, prompt: "wait", runAt: later })).json.task.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `${base}/api/tasks?status=queued&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await routes.tasks.GET(get(url))).json()) as { tasks: TaskSummary[]; nextCursor: string | null };
      expect(page.tasks.length).toBeLessThanOrEqual(2);
      expect(page.tasks.every((task) => task.status === "queued")).toBe(true);
      seen.push(...page.tasks.map((task) => task.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    // Newest first: the five appear in reverse creation order, adjacent to each other.
    const mine = seen.filter((id) => created.includes(id));
    expect(mine).toEqual([...created].reverse());

    const bad = await routes.tasks.GET(get(`/api/tasks?status=done`));
    expect(bad.status).toBe(400);
  });
});

describe("GET /api/tasks/:id", () => {
  it("answers 404 for unknown, malformed and other users' ids", async () => {
    const stranger = await createTestUser(db, "Stranger");
    const { task } = await createTask({ db, engine }, { userId: stranger, title: "Private", prompt: "secret", runAt: new Date(Date.now() + 3600_000) });
    for (const id of [randomUUID(), "not-a-uuid", task.id]) {
      const response = await routes.task.GET(get(`/api/tasks/${id}`), params({ id }));
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    }
    const cancel = await routes.cancel.POST(post(`/api/tasks/${task.id}/cancel`), params({ id: task.id }));
    expect(cancel.status).toBe(404);
    expect((await db.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("queued");
  });
});

describe("cancel and retry", () => {
  it("cancels a running task: the model call is canceled and no artifact is written", async () => {
    const { json } = await createViaApi({ title: "Long one", prompt: "take your time" });
    await waitFor(async () => (await getTask(json.task.id)).events.some((event) => event.type === "model.started"), { what: "model start" });
    const cancelsBefore = model.stats.cancels;
    const response = await routes.cancel.POST(post(`/api/tasks/${json.task.id}/cancel`), params({ id: json.task.id }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { task: TaskDetail }).task.status).toBe("canceled");

    await waitFor(async () => (await db.run.findFirstOrThrow({ where: { taskId: json.task.id } })).status === "canceled", { what: "run canceled" });
    expect(model.stats.cancels).toBe(cancelsBefore + 1);
    const task = await getTask(json.task.id);
    expect(task.status).toBe("canceled");
    expect(task.artifacts).toHaveLength(0);
  });

  it("refuses to cancel a completed task with 409 and the reason", async () => {
    const { json } = await createViaApi({ title: "Quick", prompt: "done soon" });
    await waitForStatus(json.task.id, "completed");
    const response = await routes.cancel.POST(post(`/api/tasks/${json.task.id}/cancel`), params({ id: json.task.id }));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { message: "This task is completed, so it can't be canceled." } });
    const retry = await routes.retry.POST(post(`/api/tasks/${json.task.id}/retry`), params({ id: json.task.id }));
    expect(retry.status).toBe(409);
  });

  it("retries a canceled task as a new run that completes", async () => {
    const { json } = await createViaApi({ title: "Later", prompt: "retry me", runAt: new Date(Date.now() + 3600_000).toISOString() });
    const cancel = await routes.cancel.POST(post(`/api/tasks/${json.task.id}/cancel`), params({ id: json.task.id }));
    expect(cancel.status).toBe(200);
    const retry = await routes.retry.POST(post(`/api/tasks/${json.task.id}/retry`), params({ id: json.task.id }));
    expect(retry.status).toBe(202);
    const done = await waitForStatus(json.task.id, "completed");
    expect(done.runs.map((run) => [run.number, run.status])).toEqual([
      [1, "canceled"],
      [2, "completed"],
    ]);
    expect(done.artifacts).toHaveLength(1);
    expect(done.artifacts[0]!.runId).toBe(done.runs[1]!.id);
  });
});

describe("GET /api/events", () => {
  it("streams the user's task changes from the worker process, and nobody else's", async () => {
    const abort = new AbortController();
    const response = await routes.events.GET(get("/api/events", { signal: abort.signal }));
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received += decoder.decode(value);
      }
    })();
    await waitFor(async () => received.includes("event: ready"), { what: "ready event" });

    const stranger = await createTestUser(db, "Other");
    const theirs = await createTask({ db, engine }, { userId: stranger, title: "Theirs", prompt: "not yours" });
    const { json } = await createViaApi({ title: "Watched", prompt: "stream me" });
    await waitFor(async () => received.includes(`"taskId":"${json.task.id}","status":"completed"`), { what: "completed event" });
    const statuses = [...received.matchAll(new RegExp(`"taskId":"${json.task.id}","status":"(\\w+)"`, "g"))].map((match) => match[1]);
    expect(statuses[0]).toBe("queued");
    expect(statuses).toContain("running");
    expect(statuses.at(-1)).toBe("completed");
    expect(received).not.toContain(theirs.task.id);
    expect(received).not.toContain("userId");

    abort.abort();
    await reading.catch(() => {});
  });
});
