// push_branch and open_pull_request through the effect journal, as the worker runs them: an
// attempt cut off after the forge acted and before the outcome was recorded (a kill -9 there) is
// made again with the same key and finds the branch and the pull request already there, so the
// forge ends with exactly one of each; a recorded call is never made again. The forge token
// appears in no row the run wrote.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToolCall } from "@/lib/agent/tool-step";
import { artifactPreviews } from "@/lib/artifacts/artifact-previews";
import { putArtifact } from "@/lib/artifacts/save-artifact";
import { parseDiff } from "@/lib/code/parse-diff";
import { pendingCodeChanges } from "@/lib/code/pending-code-change";
import { taskPullRequests } from "@/lib/code/task-pull-requests";
import { db } from "@/lib/db";
import { openEffect } from "@/lib/effects/effect-journal";
import { detectSandbox } from "@/lib/sandbox/detect-sandbox";
import { createTask } from "@/lib/tasks/create-task";
import { codeTools } from "@/lib/tools/code/code-tools";
import { writeFileTool } from "@/lib/tools/workspace/write-file";
import type { ToolDefinition } from "@/lib/tools/types";
import { startFakeGithub, type FakeGithub } from "../fakes/fake-github";
import { createTestUser } from "../support/factories";
import { createBareFixtureRepository } from "../support/fixture-repository";
import { testToolContext } from "../support/tool-context";

const engine = { startRun: async () => {}, signal: async () => {}, deliverNotification: async () => {} };
const token = `ghp_${randomBytes(18).toString("hex")}`;
let root: string;
let forge: FakeGithub;
let tools: ToolDefinition[];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "baton-pr-journal-"));
  forge = await startFakeGithub({ root: path.join(root, "forge"), token });
  await mkdir(path.join(root, "forge", "acme"), { recursive: true });
  await createBareFixtureRepository(forge.repositoryPath("acme", "widgets"));
  tools = codeTools({ sandbox: () => detectSandbox(), credentialsFor: async () => ({ username: "x-access-token", token }), remoteAddresses: { allowlist: [new URL(forge.url).host] } });
});

afterAll(async () => {
  await forge.close();
  await rm(root, { recursive: true, force: true });
  await db().$disconnect();
});

const tool = (name: string) => tools.find((candidate) => candidate.name === name)!;

describe("the PR handoff through the effect journal", () => {
  it("a push and a pull request cut off before their outcome are made again once, and end as one branch and one PR", async () => {
    const userId = await createTestUser(db(), "Handoff");
    const { task } = await createTask({ db: db(), engine }, { userId, title: "Fix the cart", prompt: "p", runAt: new Date(Date.now() + 3600_000) });
    const run = await db().run.findFirstOrThrow({ where: { taskId: task.id } });
    const context = testToolContext({
      taskId: task.id,
      runId: run.id,
      userId,
      workspaceDir: path.join(root, "data", "workspaces", task.id),
      saveArtifact: (artifact) => putArtifact(db(), { ...artifact, taskId: task.id, runId: run.id }),
    });
    const repository = forge.cloneUrl("acme", "widgets");
    const call = (name: string, args: unknown, key: string) =>
      runToolCall(db(), { tool: tool(name), args: tool(name).input.parse(args), context, call: { key, id: `call_${key}` } });

    expect((await call("clone_repository", { repository, credential: "github" }, "1-1")).ok).toBe(true);
    const source = path.join(context.workspaceDir, "repo", "src", "cart.js");
    await writeFileTool.run({ path: "repo/src/cart.js", content: (await readFile(source, "utf8")).replace("line.quantity);", "line.quantity, 0);") }, { ...context, idempotencyKey: "k" });
    expect((await call("run_command", { command: "npm test", cwd: "repo", testResults: "after" }, "2-0")).ok).toBe(true);
    const proposed = await call("propose_patch", { branch: "baton/fix-empty-cart", message: "Start an empty cart's total at 0" }, "2-1");
    const { commit } = JSON.parse(proposed.output) as { commit: string };

    const pushArgs = { repository, branch: "baton/fix-empty-cart", commit, credential: "github" };
    // The push's approval card shows what Baton recorded: branch, message, diff stats, test results.
    const changes = await pendingCodeChanges(db(), { userId, taskId: task.id, approvals: [{ id: "push", toolName: "push_branch", arguments: pushArgs }, { id: "other", toolName: "http_request", arguments: {} }] });
    expect([...changes.entries()]).toEqual([
      ["push", { branch: "baton/fix-empty-cart", commit, message: "Start an empty cart's total at 0", files: [{ path: "src/cart.js", added: 1, removed: 1 }], added: 1, removed: 1, tests: "The tests pass: 2 passed, 0 failed" }],
    ]);
    const prArgs = { repository, branch: "baton/fix-empty-cart", title: "Start an empty cart's total at 0", body: "Fixes #7", credential: "github" };
    // The first attempts: journaled, the forge acts, then the worker dies before the outcome is written.
    for (const [name, args, key] of [["push_branch", pushArgs, "3-1"], ["open_pull_request", prArgs, "4-1"]] as const) {
      const effect = await openEffect(db(), { runId: run.id, callKey: key, callId: `call_${key}`, tool: name });
      expect(effect.kind).toBe("first");
      await tool(name).run(tool(name).input.parse(args), { ...context, idempotencyKey: effect.kind === "first" ? effect.idempotencyKey : "" });
    }
    expect(forge.pulls).toHaveLength(1);

    // The step runs again after the restart: same key, the branch and the PR are found, not made twice.
    const pushedAgain = await call("push_branch", pushArgs, "3-1");
    expect(JSON.parse(pushedAgain.output)).toMatchObject({ alreadyThere: true, commit });
    const openedAgain = await call("open_pull_request", prArgs, "4-1");
    expect(JSON.parse(openedAgain.output)).toMatchObject({ number: 1, existed: true, draft: true });
    // And once recorded, never again.
    const requestsBefore = forge.requests.length;
    expect(await call("open_pull_request", prArgs, "4-1")).toEqual(openedAgain);
    expect(forge.requests.length).toBe(requestsBefore);

    expect(forge.pulls).toEqual([expect.objectContaining({ head: "baton/fix-empty-cart", base: "main", draft: true })]);
    const retried = await db().timelineEvent.findMany({ where: { taskId: task.id, type: "tool.retried" } });
    expect(retried.map((event) => (event.data as { tool: string }).tool).sort()).toEqual(["open_pull_request", "push_branch"]);

    // The task page links the one pull request, and shows the patch as a diff of the fixed file.
    expect(await taskPullRequests(db(), { userId, taskId: task.id })).toEqual([{ number: 1, url: forge.pulls[0]!.html_url, draft: true }]);
    expect(await taskPullRequests(db(), { userId: await createTestUser(db(), "Someone else"), taskId: task.id })).toEqual([]);
    const previews = [...(await artifactPreviews(db(), { userId, taskId: task.id })).values()];
    expect(previews.filter((text) => text.startsWith("From ")).flatMap((text) => parseDiff(text)).map((file) => [file.path, file.added, file.removed])).toEqual([["src/cart.js", 1, 1]]);

    const rows = JSON.stringify([
      await db().timelineEvent.findMany({ where: { taskId: task.id } }),
      await db().effect.findMany({ where: { runId: run.id } }),
      await db().artifact.findMany({ where: { taskId: task.id } }),
    ], (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
    expect(rows).not.toContain(token);
    expect(rows).not.toContain(Buffer.from(`x-access-token:${token}`).toString("base64"));
  });
});
