// The one place that changes task status, against real Postgres: racing writers cannot both win,
// and a worker finishing after a cancel does not resurrect the task.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { AppError } from "@/lib/errors";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { recordTurn } from "@/lib/agent/record-turn";
import { lockTask, postMessage } from "@/lib/tasks/messages";
import { beginRun, finishRun } from "@/lib/tasks/run-lifecycle";
import { transitionTask } from "@/lib/tasks/transition-task";
import { createTestUser } from "../support/factories";
import { waitFor } from "../support/wait-for";

let db: Db;
let engine: DbosDispatcher;
let userId: string;

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL!);
  engine = new DbosDispatcher(process.env.DATABASE_URL!);
  userId = await createTestUser(db);
});
afterAll(async () => {
  await Promise.allSettled([engine.close(), db.$disconnect()]);
});

/** Connections of this database waiting for a row lock. */
async function backendsWaitingForLocks(): Promise<number> {
  const [row] = await db.$queryRaw<{ waiting: number }[]>`
    SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return row?.waiting ?? 0;
}

// Far in the future, so no worker picks these runs up: the test drives the lifecycle itself.
const later = () => new Date(Date.now() + 24 * 3600_000);

async function startedTask() {
  const { task } = await createTask({ db, engine }, { userId, title: "Race", prompt: "go", runAt: later() });
  const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
  expect(await beginRun(db, run.id)).toMatchObject({ taskId: task.id, userId, thread: [{ type: "user", text: "go" }] });
  return { taskId: task.id, runId: run.id };
}

describe("transitionTask", () => {
  it("lets exactly one of two racing terminal moves win", async () => {
    for (let round = 0; round < 10; round++) {
      const { taskId, runId } = await startedTask();
      const results = await Promise.allSettled(
        (["completed", "canceled"] as const).map((to) => db.$transaction((tx) => transitionTask(tx, { taskId, runId, to, actor: "system" }))),
      );
      const won = results.filter((result) => result.status === "fulfilled");
      expect(won).toHaveLength(1);
      const lost = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(AppError);
      expect((lost.reason as AppError).code).toBe("CONFLICT");
      const statusEvents = await db.timelineEvent.count({ where: { taskId, type: "task.status" } });
      expect(statusEvents).toBe(2); // running, then the winner
    }
  });

  it("does not let another user move a task", async () => {
    const { taskId } = await startedTask();
    const other = await createTestUser(db, "Other");
    await expect(db.$transaction((tx) => transitionTask(tx, { taskId, userId: other, to: "canceled", actor: "user" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("run lifecycle", () => {
  it("keeps a canceled task canceled when its worker finishes afterwards", async () => {
    const { taskId, runId } = await startedTask();
    await cancelTask({ db, engine }, { userId, taskId });
    await finishRun(db, { runId, outcome: "completed", artifacts: [{ name: "answer.md", kind: "markdown", content: "late" }] });
    const task = await db.task.findUniqueOrThrow({ where: { id: taskId }, include: { runs: true, events: true } });
    expect(task.status).toBe("canceled");
    expect(task.runs[0]).toMatchObject({ status: "canceled" });
    expect(await db.artifact.count({ where: { taskId } })).toBe(0);
    expect(task.events.some((event) => event.message === "Completed")).toBe(false);
  });

  it("is idempotent: repeating a finished step changes nothing", async () => {
    const { taskId, runId } = await startedTask();
    await finishRun(db, { runId, outcome: "completed" });
    await finishRun(db, { runId, outcome: "completed" });
    await finishRun(db, { runId, outcome: "failed", reason: "late" });
    const eventsBefore = await db.timelineEvent.count({ where: { taskId } });
    // A resumed workflow starts its run again: it gets the same work back (and replays to its end).
    expect(await beginRun(db, runId)).toMatchObject({ taskId, runId, thread: [{ type: "user", text: "go" }] });
    const task = await db.task.findUniqueOrThrow({ where: { id: taskId }, include: { events: true } });
    expect(task.status).toBe("completed");
    expect(task.events.filter((event) => event.message === "Completed")).toHaveLength(1);
    expect(task.events).toHaveLength(eventsBefore);
  });

  it("queues one follow-up run for a message the final answer missed, and a repeat of the end returns that same run", async () => {
    const usage = { inputTokens: 40, outputTokens: 10 };
    const finalTurn = { model: "gpt-5-mini", turn: 1, result: { text: "done", toolCalls: [], usage } };
    const answer = { name: "answer.md", kind: "markdown", content: "done" } as const;
    const { taskId, runId } = await startedTask();
    await postMessage({ db, engine }, { userId, taskId, body: "and one more thing" });
    const first = await finishRun(db, { runId, outcome: "completed", artifacts: [answer], finalTurn });
    expect(first.followUpRunId).not.toBeNull();
    const repeat = await finishRun(db, { runId, outcome: "completed", artifacts: [answer], finalTurn });
    expect(repeat.followUpRunId).toBe(first.followUpRunId);

    const task = await db.task.findUniqueOrThrow({ where: { id: taskId }, include: { runs: { orderBy: { number: "asc" } }, events: { orderBy: { id: "asc" } } } });
    expect(task.status).toBe("queued");
    expect(task.runs.map((run) => [run.number, run.status])).toEqual([[1, "completed"], [2, "queued"]]);
    expect(task.runs[0]).toMatchObject({ inputTokens: 40, outputTokens: 10 });
    expect(await db.artifact.count({ where: { runId } })).toBe(1);
    expect(task.events.map((event) => event.message).slice(2)).toEqual([
      "You: and one more thing",
      "Turn 1: answered (50 tokens, $0.0000)",
      "Saved answer.md (4 B)",
      "Completed",
      "Queued: Follow-up message",
    ]);
  });

  it("queues a follow-up for a message whose sender held the task while the run's end was already under way", async () => {
    const finalTurn = { model: "gpt-5-mini", turn: 1, result: { text: "done", toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 } } };
    const { taskId, runId } = await startedTask();
    // The sender holds the task (as postMessage does) and has written its message, not yet committed.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const sender = db.$transaction(async (tx) => {
      await lockTask(tx, { taskId, userId });
      await tx.taskMessage.create({ data: { taskId, body: "wait, one more thing" } });
      held();
      await released;
    });
    await holding;
    const end = finishRun(db, { runId, outcome: "completed", artifacts: [{ name: "answer.md", kind: "markdown", content: "done" }], finalTurn });
    // The end's statement began (its snapshot has no message) and waits for the task's row.
    await waitFor(async () => (await backendsWaitingForLocks()) > 0 || undefined, { timeoutMs: 10_000, what: "the run's end waiting for the task" });
    release();
    await sender;
    const { followUpRunId } = await end;
    expect(followUpRunId).not.toBeNull();
    const task = await db.task.findUniqueOrThrow({ where: { id: taskId }, include: { runs: { orderBy: { number: "asc" } } } });
    expect(task.status).toBe("queued");
    expect(task.runs.map((run) => [run.number, run.status])).toEqual([[1, "completed"], [2, "queued"]]);
    expect(await db.artifact.count({ where: { runId } })).toBe(1);
  });

  it("does not start a run that was canceled while it waited in the queue", async () => {
    const { task } = await createTask({ db, engine }, { userId, title: "Queued", prompt: "wait", runAt: later() });
    await cancelTask({ db, engine }, { userId, taskId: task.id });
    const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
    expect(run.status).toBe("canceled");
    expect(await beginRun(db, run.id)).toBeNull();
    expect((await db.task.findUniqueOrThrow({ where: { id: task.id } })).status).toBe("canceled");
  });

  it("writes no turn line after Canceled when the model answers after a cancel, but still counts its tokens", async () => {
    const usage = { inputTokens: 40, outputTokens: 10 };
    const answered = { model: "gpt-5-mini", turn: 1, result: { text: "late answer", toolCalls: [], usage } };

    const finished = await startedTask();
    await finishRun(db, { runId: finished.runId, outcome: "completed", finalTurn: answered });
    const completedEvents = await db.timelineEvent.findMany({ where: { taskId: finished.taskId }, orderBy: { id: "asc" } });
    expect(completedEvents.map((event) => event.message)).toEqual(["Created; scheduled to start later", "Running", "Turn 1: answered (50 tokens, $0.0000)", "Completed"]);

    const { taskId, runId } = await startedTask();
    await cancelTask({ db, engine }, { userId, taskId });
    // A turn asking for a tool, then a final answer, both back from the model after the cancel.
    const toolTurn = { taskId, runId, model: "gpt-5-mini", turn: 1, result: { text: "", toolCalls: [{ id: "c1", name: "read_feed", arguments: {} }], usage } };
    await recordTurn(db, toolTurn);
    await finishRun(db, { runId, outcome: "completed", finalTurn: { ...answered, turn: 2 } });
    const events = await db.timelineEvent.findMany({ where: { taskId }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.message)).toEqual(["Created; scheduled to start later", "Running", "Canceled: Canceled by you"]);
    expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "canceled", inputTokens: 80, outputTokens: 20 });
  });

  it("records a run's start and end at the instants they happened when the process is not on UTC", async () => {
    // Both are sent on the driver, not through Prisma: their timestamps must still be UTC.
    const zone = process.env.TZ;
    process.env.TZ = "Pacific/Auckland";
    try {
      const { taskId, runId } = await startedTask();
      const startedAround = Date.now();
      const repeat = await beginRun(db, runId);
      expect(Math.abs(Date.parse(repeat!.startedAt) - startedAround)).toBeLessThan(60_000);
      await finishRun(db, { runId, outcome: "completed", artifacts: [{ name: "answer.md", kind: "markdown", content: "Done." }] });
      const finishedAround = Date.now();
      const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
      expect(run.startedAt!.toISOString()).toBe(repeat!.startedAt);
      expect(Math.abs(run.finishedAt!.getTime() - finishedAround)).toBeLessThan(60_000);
      const events = await db.timelineEvent.findMany({ where: { taskId }, orderBy: { id: "asc" } });
      expect(events.map((event) => event.message)).toEqual(["Created; scheduled to start later", "Running", "Saved answer.md (5 B)", "Completed"]);
      for (const event of events) expect(Math.abs(event.createdAt.getTime() - finishedAround)).toBeLessThan(60_000);
    } finally {
      process.env.TZ = zone;
    }
  });
});
