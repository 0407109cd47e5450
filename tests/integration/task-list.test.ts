// The inbox's list as GET /api/tasks serves it: one user's tasks newest first, each with the line
// under its title (a completed task's answer, a running task's latest event), a status filter and a
// keyset cursor, and never a row of anyone else's, even one made between the owner's.
import { beforeAll, describe, expect, it } from "vitest";
import { ARTIFACT_KINDS, type ArtifactKind } from "@/lib/artifacts/save-artifact";
import { db } from "@/lib/db";
import type { TaskStatus } from "@/lib/generated/prisma/client";
import { listTasks } from "@/lib/tasks/list-tasks";
import { createTestUser } from "../support/factories";

let owner: string;
let stranger: string;
let expected: { id: string; title: string; status: TaskStatus; preview: string | null }[];

async function task(userId: string, title: string, status: TaskStatus) {
  const row = await db().task.create({ data: { userId, title, prompt: "p", provider: "demo", model: "scripted", status } });
  const run = await db().run.create({ data: { taskId: row.id, number: 1, status, provider: "demo", model: "scripted" } });
  return { id: row.id, runId: run.id };
}

async function artifact(owned: { id: string; runId: string }, name: string, kind: ArtifactKind, content: string, secondsAgo: number) {
  await db().artifact.create({
    data: {
      taskId: owned.id,
      runId: owned.runId,
      name,
      kind,
      mimeType: ARTIFACT_KINDS[kind],
      sizeBytes: Buffer.byteLength(content),
      content: Buffer.from(content),
      createdAt: new Date(Date.now() - secondsAgo * 1000),
    },
  });
}

async function event(owned: { id: string; runId: string }, message: string) {
  await db().timelineEvent.create({ data: { taskId: owned.id, runId: owned.runId, type: "model.started", actor: "agent", message } });
}

beforeAll(async () => {
  owner = await createTestUser(db(), "Lister");
  stranger = await createTestUser(db(), "Neighbour");

  const answered = await task(owner, "Answered", "completed");
  await artifact(answered, "answer.md", "markdown", "# Weekly report\n\nAll green.", 60);
  await artifact(answered, "notes.md", "markdown", "Scratch notes", 1);

  const tabular = await task(owner, "Tabular", "completed");
  await artifact(tabular, "old.csv", "csv", "week,visits\n1,20\n", 60);
  await artifact(tabular, "summary.json", "json", '{"visits": 20}', 1);

  const patched = await task(owner, "Patched", "completed");
  await artifact(patched, "fix.patch", "patch", "From 1234 Mon Sep 17 00:00:00 2001\n", 1);
  await artifact(patched, "step.png", "png", "not really a png", 1);

  const foreign = await task(stranger, "Stranger's secret", "completed");
  await artifact(foreign, "answer.md", "markdown", "Stranger's answer", 1);

  const running = await task(owner, "Running", "running");
  await event(running, "Started");
  await event(running, "Reading   the\n  inbox");

  const failed = await task(owner, "Failed", "failed");
  await artifact(failed, "answer.md", "markdown", "Half an answer", 1);
  await event(failed, "Model unavailable");

  const queued = await task(owner, "Queued", "queued");

  expected = [
    { id: queued.id, title: "Queued", status: "queued", preview: null },
    { id: failed.id, title: "Failed", status: "failed", preview: null },
    { id: running.id, title: "Running", status: "running", preview: "Reading the inbox" },
    { id: patched.id, title: "Patched", status: "completed", preview: null },
    { id: tabular.id, title: "Tabular", status: "completed", preview: '{"visits": 20}' },
    { id: answered.id, title: "Answered", status: "completed", preview: "Weekly report" },
  ];
});

const brief = (tasks: { id: string; title: string; status: TaskStatus; preview: string | null }[]) =>
  tasks.map(({ id, title, status, preview }) => ({ id, title, status, preview }));

describe("listTasks", () => {
  it("lists the owner's tasks newest first with each one's preview, and nothing of another user's", async () => {
    const { tasks, nextCursor } = await listTasks(db(), { userId: owner, limit: 20 });
    expect(brief(tasks)).toEqual(expected);
    expect(nextCursor).toBeNull();
    expect(tasks[0]).toMatchObject({ provider: "demo", model: "scripted", statusReason: null, scheduled: false, fromSchedule: false, parentTaskId: null });
    expect(new Date(tasks[0]!.createdAt).toISOString()).toBe(tasks[0]!.createdAt);

    const theirs = await listTasks(db(), { userId: stranger, limit: 20 });
    expect(brief(theirs.tasks)).toEqual([{ id: expect.any(String), title: "Stranger's secret", status: "completed", preview: "Stranger's answer" }]);
  });

  it("pages with the cursor, keeping the previews, and filters by status", async () => {
    const seen: typeof expected = [];
    let cursor: string | undefined;
    do {
      const page = await listTasks(db(), { userId: owner, limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...brief(page.tasks));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expected);

    const completed = await listTasks(db(), { userId: owner, limit: 2, status: "completed" });
    expect(brief(completed.tasks)).toEqual(expected.filter((row) => row.status === "completed").slice(0, 2));
    const rest = await listTasks(db(), { userId: owner, limit: 2, status: "completed", cursor: completed.nextCursor! });
    expect(brief(rest.tasks)).toEqual(expected.filter((row) => row.status === "completed").slice(2));
    expect(rest.nextCursor).toBeNull();
  });
});
