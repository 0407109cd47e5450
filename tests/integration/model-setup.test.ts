// Models set up in the app, end to end: route handlers called with real Requests on a Postgres of
// its own (the setup is instance-wide), a real worker process started before anything is set up,
// and the scripted model server as a real OpenAI-compatible server that requires an API key.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import type { Db } from "@/lib/db";
import type { ModelSetup } from "@/lib/models/model-setup";
import type { TaskDetail, TaskSummary } from "@/lib/tasks/views";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

const RIGHT_KEY = `sk-compat-${randomUUID().replaceAll("-", "")}`;
const WRONG_KEY = "sk-compat-wrong-0000000000000000";
const SECOND_KEY = `sk-second-${randomUUID().replaceAll("-", "")}`;
const base = "http://127.0.0.1:3000";

let postgres: TestDatabase;
let dataDir: string;
let server: ScriptedModelServer;
let second: ScriptedModelServer;
let worker: WorkerProcess;
let db: Db;
let owner: { userId: string; cookie: string };
let member: { userId: string; cookie: string };
let routes: {
  models: typeof import("@/app/api/models/route");
  defaultModel: typeof import("@/app/api/models/default/route");
  test: typeof import("@/app/api/models/test/route");
  tasks: typeof import("@/app/api/tasks/route");
  task: typeof import("@/app/api/tasks/[id]/route");
  artifact: typeof import("@/app/api/tasks/[id]/artifacts/[artifactId]/route");
};
const logged: string[] = [];

beforeAll(async () => {
  postgres = await testDatabase("model-setup");
  dataDir = mkdtempSync(path.join(tmpdir(), "baton-models-test-"));
  // This process plays the web server: no model in its environment, its own key file.
  for (const name of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "BATON_MODEL_PROVIDER", "BATON_MODEL", "ANTHROPIC_API_KEY", "BATON_SECRET_KEY"]) delete process.env[name];
  Object.assign(process.env, { DATABASE_URL: postgres.url, BATON_DATA_DIR: dataDir });
  for (const method of ["log", "info", "warn", "error"] as const) {
    const original = console[method];
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
      original(...args);
    });
  }
  server = await startScriptedModelServer({ apiKey: RIGHT_KEY, models: ["scripted-b", "scripted-a"], reply: (input) => `# From the compatible server\n\nYou asked: ${input}` });
  second = await startScriptedModelServer({ apiKey: SECOND_KEY, models: ["other-model"], reply: () => "# From the second server" });
  worker = await startWorker({ databaseUrl: postgres.url, workerId: `models-${randomUUID()}`, env: { BATON_DATA_DIR: dataDir, BATON_MODEL_POLL_MS: "100" } });
  const { createDb } = await import("@/lib/db");
  const { createSignedInUser } = await import("../support/factories");
  db = createDb(postgres.url);
  owner = await createSignedInUser(db, "Owner");
  await db.user.update({ where: { id: owner.userId }, data: { role: "owner" } });
  member = await createSignedInUser(db, "Member");
  routes = {
    models: await import("@/app/api/models/route"),
    defaultModel: await import("@/app/api/models/default/route"),
    test: await import("@/app/api/models/test/route"),
    tasks: await import("@/app/api/tasks/route"),
    task: await import("@/app/api/tasks/[id]/route"),
    artifact: await import("@/app/api/tasks/[id]/artifacts/[artifactId]/route"),
  };
});

afterAll(async () => {
  vi.restoreAllMocks();
  await worker?.kill();
  // The route handlers' own dispatcher and client (lib/engine, lib/db), made on first use.
  const { taskDispatcher } = await import("@/lib/engine");
  const { db: appDb } = await import("@/lib/db");
  await Promise.allSettled([(taskDispatcher() as { close?: () => Promise<void> }).close?.(), appDb().$disconnect(), db?.$disconnect(), server?.close(), second?.close()]);
  await postgres?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function request(method: string, pathname: string, body?: unknown, cookie = owner.cookie) {
  return new Request(`${base}${pathname}`, {
    method,
    headers: { host: "127.0.0.1:3000", cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function answerOf(task: TaskDetail): Promise<string> {
  const artifact = task.artifacts.find((entry) => entry.name === "answer.md")!;
  const response = await routes.artifact.GET(request("GET", artifact.url), { params: Promise.resolve({ id: task.id, artifactId: artifact.id }) });
  return response.text();
}

async function runTask(prompt: string): Promise<TaskDetail> {
  const created = await routes.tasks.POST(request("POST", "/api/tasks", { title: "Uses the set-up model", prompt }));
  expect(created.status, await created.clone().text()).toBe(201);
  const { task } = await json<{ task: TaskSummary }>(created);
  return waitFor(
    async () => {
      const response = await routes.task.GET(request("GET", `/api/tasks/${task.id}`), { params: Promise.resolve({ id: task.id }) });
      const detail = (await json<{ task: TaskDetail }>(response)).task;
      return ["completed", "failed"].includes(detail.status) && detail;
    },
    { timeoutMs: 30_000, what: `task ${task.id} to finish` },
  );
}

describe("the Models API", () => {
  it("is not there for someone who is not the owner", async () => {
    expect((await routes.models.GET(request("GET", "/api/models", undefined, member.cookie))).status).toBe(404);
    const put = await routes.models.PUT(request("PUT", "/api/models", { provider: "openai-compatible", baseUrl: server.url }, member.cookie));
    expect(put.status).toBe(404);
    expect(await db.modelConnection.count()).toBe(0);
  });

  it("refuses a bad URL with a field message, and a wrong key with the server's own 401, saving nothing", async () => {
    const badUrl = await routes.models.PUT(request("PUT", "/api/models", { provider: "openai-compatible", baseUrl: "not a url" }));
    expect(badUrl.status).toBe(400);
    expect((await json<{ error: { fieldErrors: Record<string, string[]> } }>(badUrl)).error.fieldErrors.baseUrl?.[0]).toMatch(/http\(s\) URL/);

    const wrong = await routes.models.PUT(request("PUT", "/api/models", { provider: "openai-compatible", baseUrl: server.url, apiKey: WRONG_KEY }));
    expect(wrong.status).toBe(400);
    const { error } = await json<{ error: { message: string; fieldErrors: Record<string, string[]> } }>(wrong);
    expect(error.fieldErrors.baseUrl?.[0]).toMatch(/401 Incorrect API key provided/);
    expect(error.message).not.toContain(WRONG_KEY);
    expect(await db.modelConnection.count()).toBe(0);
    expect(await db.storedSecret.count({ where: { name: "model-key:openai-compatible" } })).toBe(0);
  });

  it("sets up an OpenAI-compatible server that the running worker uses for the next task, without a restart", async () => {
    const before = await runTask("Before any model is set up");
    expect(before).toMatchObject({ status: "completed", provider: "demo" });

    const saved = await routes.models.PUT(request("PUT", "/api/models", { provider: "openai-compatible", baseUrl: `${server.url}/`, apiKey: RIGHT_KEY }));
    expect(saved.status, await saved.clone().text()).toBe(200);
    const { setup } = await json<{ setup: ModelSetup }>(saved);
    const compatible = setup.providers.find((entry) => entry.provider === "openai-compatible")!;
    expect(compatible.connection).toMatchObject({ baseUrl: server.url, models: ["scripted-a", "scripted-b"], keyHint: `sk-…${RIGHT_KEY.slice(-4)}` });
    expect(compatible.fromEnvironment).toBeNull();
    expect(JSON.stringify(setup)).not.toContain(RIGHT_KEY);

    const chosen = await routes.defaultModel.PUT(request("PUT", "/api/models/default", { provider: "openai-compatible", model: "scripted-b" }));
    expect((await json<{ setup: ModelSetup }>(chosen)).setup.models[0]).toMatchObject({ provider: "openai-compatible", model: "scripted-b" });

    const tested = await routes.test.POST(request("POST", "/api/models/test", { provider: "openai-compatible" }));
    expect((await json<{ result: { ok: boolean; message: string } }>(tested)).result).toMatchObject({ ok: true, message: expect.stringMatching(/^Connected: scripted-b answered/) });

    const callsBefore = server.stats.chatCompletions;
    const after = await runTask("Hello from the Models page");
    expect(after).toMatchObject({ status: "completed", provider: "openai-compatible", model: "scripted-b" });
    expect(server.stats.chatCompletions).toBeGreaterThan(callsBefore);
    expect(await answerOf(after)).toBe("# From the compatible server\n\nYou asked: Hello from the Models page");
  });

  it("moves the next task to a changed server and key (a new client, not the cached one)", async () => {
    const saved = await routes.models.PUT(request("PUT", "/api/models", { provider: "openai-compatible", baseUrl: second.url, apiKey: SECOND_KEY }));
    expect(saved.status, await saved.clone().text()).toBe(200);
    await routes.defaultModel.PUT(request("PUT", "/api/models/default", { provider: "openai-compatible", model: "other-model" }));
    const task = await runTask("Which server answers now?");
    expect(task).toMatchObject({ status: "completed", model: "other-model" });
    expect(second.stats.chatCompletions).toBeGreaterThan(0);
    expect(await answerOf(task)).toBe("# From the second server");
  });

  it("shows the provider's own refusal when the saved key stops working, in Test connection and on the task", async () => {
    const { setSecret } = await import("@/lib/secrets/secret-store");
    const { modelKeyRef } = await import("@/lib/models/model-connections");
    // As if the key were revoked at the provider after it was saved.
    await setSecret(db, { ...modelKeyRef("openai-compatible"), kind: "model-api-key", value: WRONG_KEY });
    const tested = await routes.test.POST(request("POST", "/api/models/test", { provider: "openai-compatible" }));
    const { result } = await json<{ result: { ok: boolean; message: string } }>(tested);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^other-model did not answer: 401 Incorrect API key provided: sk-\*+0000\./);
    const task = await runTask("With a revoked key");
    expect(task.status).toBe("failed");
    expect(task.statusReason).toMatch(/refused the request \(401\).*Incorrect API key provided/);
    expect(JSON.stringify(task)).not.toContain(WRONG_KEY);
    await setSecret(db, { ...modelKeyRef("openai-compatible"), kind: "model-api-key", value: SECOND_KEY });
  });

  it("keeps stored keys out of every table and every log line", async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const dump: string[] = [];
    try {
      const { rows: columns } = await client.query<{ table_schema: string; table_name: string; column_name: string }>(
        `SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
          WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(columns.length).toBeGreaterThan(50);
      for (const { table_schema, table_name, column_name } of columns) {
        const { rows } = await client.query<{ value: string | null }>(`SELECT "${column_name}"::text AS value FROM "${table_schema}"."${table_name}"`);
        for (const row of rows) if (row.value) dump.push(row.value);
      }
    } finally {
      await client.end();
    }
    const everything = dump.join("\n");
    expect(everything).toContain("model-key:openai-compatible");
    for (const key of [RIGHT_KEY, SECOND_KEY, WRONG_KEY]) {
      expect(everything).not.toContain(key);
      // bytea columns read as hex
      expect(everything).not.toContain(Buffer.from(key).toString("hex"));
    }
    const logs = `${logged.join("\n")}\n${worker.output()}`;
    expect(logs).toContain("ready (concurrency");
    for (const key of [RIGHT_KEY, SECOND_KEY, WRONG_KEY]) expect(logs).not.toContain(key);
  });

  it("rotates the key: every secret re-sealed under a new key file, still readable, the old key gone", async () => {
    const { keyFilePath, loadKeyring, parseKey, SecretKeyError } = await import("@/lib/secrets/keyring");
    const { revealSecret, INSTANCE, open } = await import("@/lib/secrets/secret-store");
    const { rotateSecretKey } = await import("@/lib/secrets/rotate-key");
    const oldKey = parseKey(readFileSync(keyFilePath(), "utf8").split("\n")[0]!, "old");
    const before = await db.storedSecret.findMany();
    expect(before.length).toBeGreaterThanOrEqual(2); // the session secret and the model key
    expect(new Set(before.map((row) => row.keyId))).toEqual(new Set([oldKey.id]));

    const report = await rotateSecretKey(db);
    expect(report).toMatchObject({ rewritten: before.length, total: before.length });
    const fileKeys = readFileSync(keyFilePath(), "utf8").trim().split("\n");
    expect(fileKeys).toHaveLength(1);
    const ring = loadKeyring();
    expect(ring.current.id).toBe(report.keyId);
    expect(ring.byId.has(oldKey.id)).toBe(false);
    const after = await db.storedSecret.findMany();
    expect(new Set(after.map((row) => row.keyId))).toEqual(new Set([report.keyId]));
    expect(await revealSecret(db, { owner: INSTANCE, name: "model-key:openai-compatible" })).toBe(SECOND_KEY);
    // The old key alone no longer opens anything.
    const row = after.find((entry) => entry.name === "model-key:openai-compatible")!;
    const oldRing = { current: oldKey, byId: new Map([[oldKey.id, oldKey]]), source: "key file" as const };
    expect(() => open(oldRing, row.ownerKey, row.name, row)).toThrow(SecretKeyError);
  });

  it("refuses to start a worker holding another key, with one line saying which key to set", async () => {
    // Another machine: its own data folder (no key file), a key of its own.
    const otherKey = Buffer.alloc(32, 7).toString("base64");
    const otherDir = mkdtempSync(path.join(tmpdir(), "baton-models-other-"));
    const started = startWorker({ databaseUrl: postgres.url, workerId: `wrong-key-${randomUUID()}`, env: { BATON_DATA_DIR: otherDir, BATON_SECRET_KEY: otherKey } });
    const error = await started.then(
      () => new Error("the worker started"),
      (caught: unknown) => caught as Error,
    );
    expect(error.message).toMatch(/exited \(1\) before it was ready/);
    const output = error.message.slice(error.message.indexOf("\n") + 1).trim();
    expect(output).toMatch(/^\[worker\] The stored secret "[^"]+" was encrypted with key \w+, which this process does not have/);
    expect(output).toContain("set BATON_SECRET_KEY to it");
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain(otherKey);
    rmSync(otherDir, { recursive: true, force: true });
  });

  it("moves an instance secret an older Baton kept in plain text into the store, keeping its value", async () => {
    await db.storedSecret.deleteMany({ where: { ownerKey: "instance", name: "auth-secret" } });
    await db.instanceSecret.create({ data: { name: "auth-secret", value: "legacy-plain-auth-secret-0123456789" } });
    vi.resetModules();
    const { instanceSecrets } = await import("@/lib/secrets/instance-secrets");
    expect((await instanceSecrets(db)).authSecret).toBe("legacy-plain-auth-secret-0123456789");
    expect(await db.instanceSecret.count()).toBe(0);
    const stored = await db.storedSecret.findUniqueOrThrow({ where: { ownerKey_name: { ownerKey: "instance", name: "auth-secret" } } });
    expect(Buffer.from(stored.ciphertext).toString("utf8")).not.toContain("legacy-plain");
    expect(stored.hint).toBe("generated by Baton");
  });
});
