// A real kill -9 of the worker in the middle of a PR handoff: the demo model runs the template's
// task against a fake GitHub (git over HTTP and the REST API) with a stored token; the person
// approves the push and the pull request; the worker is killed after the forge created the pull
// request and before its answer reached Baton. A new worker finishes the task, and the forge ends
// with exactly one branch and one draft pull request.
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { taskPullRequests } from "@/lib/code/task-pull-requests";
import { createCredential } from "@/lib/credentials/manage-credentials";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { createTemplateTask } from "@/lib/tasks/create-template-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { startFakeGithub, type FakeGithub } from "../fakes/fake-github";
import { createTestUser } from "../support/factories";
import { createBareFixtureRepository } from "../support/fixture-repository";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

const SECRET_KEY = randomBytes(32).toString("hex");
process.env.BATON_SECRET_KEY = SECRET_KEY;
const token = `ghp_${randomBytes(18).toString("hex")}`;
const WORKER_ID = `pr-kill-${randomUUID().slice(0, 8)}`;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let forge: FakeGithub;
let root: string;
let worker: WorkerProcess | undefined;
let pullCreated: () => void = () => {};
let holdFirstPull = true;

const startTheWorker = () =>
  startWorker({
    databaseUrl: pg.url,
    workerId: WORKER_ID,
    env: { BATON_DATA_DIR: path.join(root, "data"), BATON_SECRET_KEY: SECRET_KEY, BATON_HTTP_ALLOWLIST: new URL(forge.url).host, BATON_DEMO_LATENCY_MS: "20", BATON_MODEL_POLL_MS: "50" },
  });

beforeAll(async () => {
  pg = await testDatabase("pr-handoff-kill");
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  root = await mkdtemp(path.join(os.tmpdir(), "baton-pr-kill-"));
  forge = await startFakeGithub({
    root: path.join(root, "forge"),
    token,
    // The first pull request is made on the forge, and its answer never leaves: the worker dies first.
    afterPullCreated: () => {
      if (!holdFirstPull) return Promise.resolve();
      holdFirstPull = false;
      pullCreated();
      return new Promise<void>(() => {});
    },
  });
  await mkdir(path.join(root, "forge", "acme"), { recursive: true });
  await createBareFixtureRepository(forge.repositoryPath("acme", "widgets"));
});

afterAll(async () => {
  await worker?.kill("SIGKILL");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), forge?.close()]);
  await pg?.destroy();
  await rm(root, { recursive: true, force: true });
});

async function approveNext(taskId: string, userId: string, toolName: string) {
  const approval = await waitFor(async () => (await db.approval.findFirst({ where: { taskId, toolName, status: "pending" } })) ?? undefined, { timeoutMs: 60_000, what: `an approval for ${toolName}` });
  await decideApproval({ db, engine, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "approve", via: "test" });
}

describe("kill -9 during the PR handoff", () => {
  test("after the approval, mid pull request: exactly one branch and one draft pull request at the end", async () => {
    const userId = await createTestUser(db, "Handoff");
    await createCredential(db, { userId, input: { name: "github", label: "GitHub", origins: [forge.url], username: "x-access-token", password: token } });
    worker = await startTheWorker();
    const { task } = await createTemplateTask(
      { db, engine },
      { userId, templateId: "pr-handoff", provider: "demo", model: "scripted", fields: { repository: forge.cloneUrl("acme", "widgets"), issue: "An empty cart's total throws.", credential: "github" } },
    );

    await approveNext(task.id, userId, "push_branch");
    const created = new Promise<void>((resolve) => (pullCreated = resolve));
    await approveNext(task.id, userId, "open_pull_request");
    await created;
    await worker.kill("SIGKILL");
    expect(forge.pulls).toHaveLength(1);

    worker = await startTheWorker();
    const done = await waitFor(
      async () => {
        const row = await db.task.findUniqueOrThrow({ where: { id: task.id } });
        return row.status === "completed" || row.status === "failed" ? row : undefined;
      },
      { timeoutMs: 90_000, what: "the task to finish after the restart" },
    );
    expect(done.status).toBe("completed");
    expect(forge.pulls).toEqual([expect.objectContaining({ head: "baton/fix-empty-cart", base: "main", draft: true })]);
    const branches = execFileSync("git", ["for-each-ref", "--format=%(refname:short)", "refs/heads"], { cwd: forge.repositoryPath("acme", "widgets"), encoding: "utf8" }).trim().split("\n");
    expect(branches.sort()).toEqual(["baton/fix-empty-cart", "main"]);
    expect(await taskPullRequests(db, { userId, taskId: task.id })).toEqual([{ number: 1, url: forge.pulls[0]!.html_url, draft: true }]);
    const retried = await db.timelineEvent.findMany({ where: { taskId: task.id, type: "tool.retried" } });
    expect(retried.map((event) => (event.data as { tool: string }).tool)).toContain("open_pull_request");
  }, 240_000);
});
