// The Inngest functions themselves, run by @inngest/test's engine (the SDK's own executor) behind
// an in-process stand-in for the Inngest server, on a real Postgres with the scripted model: what
// each step did, how waits, retries and cancellation behave, and the schedule tick.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideApproval } from "@/lib/approvals/decide-approval";
import type { ModelProvider } from "@/lib/agent/providers/types";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { RUN_CANCELED_FUNCTION, RUN_REQUESTED_EVENT, RUN_SIGNAL_EVENT, RUN_TASK_FUNCTION, signalMatch } from "@/lib/engine/inngest/names";
import { createSchedule } from "@/lib/schedules/manage-schedules";
import { createTrigger } from "@/lib/triggers/manage-triggers";
import { triggerInput } from "@/lib/triggers/schemas";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { OPENAI_MODEL, answerOf, configureModelsInThisProcess, startFixtureSite, timeline, waitForStatus, type FixtureSite } from "../support/agent-harness";
import { startEtagFeedServer } from "../fakes/etag-feed-server";
import { createTestUser } from "../support/factories";
import { startInngestBackend, type InngestBackend } from "../support/inngest-backend";
import type { ServerRun } from "../support/inngest-test-server";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { workflowScript } from "../support/workflow-scenarios";

configureModelsInThisProcess();

const APPROVAL_TTL_MS = 3000;
let pg: TestDatabase;
let db: Db;
let site: FixtureSite;
let model: ScriptedModelServer;
let slowModel: ScriptedModelServer;
let inngest: InngestBackend;
const extraBackends: InngestBackend[] = [];

beforeAll(async () => {
  pg = await testDatabase("inngest-functions");
  db = createDb(pg.url);
  site = await startFixtureSite();
  model = await startScriptedModelServer({ latencyMs: 150, script: workflowScript.script });
  // Still "thinking" a minute later: a run stays in its polling loop until canceled.
  slowModel = await startScriptedModelServer({ latencyMs: 60_000, script: workflowScript.script });
  inngest = startInngestBackend({ db, model, approvalTtlMs: APPROVAL_TTL_MS });
});

afterAll(async () => {
  for (const backend of [inngest, ...extraBackends]) backend?.close();
  await Promise.allSettled([db?.$disconnect(), model?.close(), slowModel?.close(), site?.close()]);
  await pg?.destroy();
});

function backendWith(options: Partial<Parameters<typeof startInngestBackend>[0]>): InngestBackend {
  const backend = startInngestBackend({ db, model, approvalTtlMs: APPROVAL_TTL_MS, ...options });
  extraBackends.push(backend);
  return backend;
}

async function startTask(backend: InngestBackend, scenario: "answer" | "order", text: string) {
  const userId = await createTestUser(db);
  const sinkPath = `/orders/${randomUUID()}`;
  const { prompt } = workflowScript.prompt(scenario, `${text} sink=${site.origin}${sinkPath}`);
  const { task } = await createTask({ db, engine: backend.dispatcher }, { userId, title: text, prompt, ...OPENAI_MODEL });
  const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
  return { userId, taskId: task.id, runId: run.id, sinkPath };
}

function serverRun(backend: InngestBackend, runId: string): ServerRun {
  const run = backend.server.runsOf(RUN_TASK_FUNCTION).find((candidate) => candidate.trigger.data.runId === runId);
  if (!run) throw new Error(`No run-task run for ${runId}`);
  return run;
}

const stepNames = (run: ServerRun) => run.steps.map((step) => step.name);

async function orderAwaitingApproval(backend = inngest) {
  const task = await startTask(backend, "order", "Order coffee.");
  await waitForStatus(db, task.taskId, "waiting_approval");
  const approval = await db.approval.findFirstOrThrow({ where: { taskId: task.taskId, status: "pending" } });
  return { ...task, approval };
}

const approve = (userId: string, approvalId: string, backend = inngest) =>
  decideApproval({ db, engine: backend.dispatcher, tools: builtinArgumentValidator }, { userId, approvalId, decision: "approve", via: "api" });

describe("run-task", () => {
  test("a task that completes: one event starts it, each step runs once in order, and the answer is saved", async () => {
    const { taskId, runId } = await startTask(inngest, "answer", "Say hello.");
    expect(inngest.server.events.filter((event) => event.name === RUN_REQUESTED_EVENT && event.data.runId === runId)).toHaveLength(1);
    await waitForStatus(db, taskId, "completed");
    const run = serverRun(inngest, runId);
    await run.done;
    expect(run.status).toBe("completed");
    const names = stepNames(run);
    expect(names[0]).toBe("begin-run");
    expect(names).toContain("start-model-1");
    expect(names).toContain("poll-model-1-1");
    expect(names.at(-1)).toBe("finish-run");
    // Polling waits for a cancel, which on Inngest is a sleep (cancelOn does the canceling).
    expect(run.steps.find((step) => step.name === "wait-cancel-1")?.op).toBe("Sleep");
    expect(run.steps.every((step) => step.op !== "StepError")).toBe(true);
    expect(await answerOf(db, runId)).toContain("Hello from the scripted model.");
    // The completion notification went through the deliver-notification function.
    await expect.poll(() => inngest.server.runsOf("deliver-notification").find((r) => r.trigger.data.id === `completed-${runId}`)?.status).toBe("completed");
    // Starting it again (the sweep, a retry of the request) is the same event: Inngest drops it.
    await inngest.dispatcher.startRun(runId);
    expect(inngest.server.runsOf(RUN_TASK_FUNCTION).filter((candidate) => candidate.trigger.data.runId === runId)).toHaveLength(1);
  });

  test("a task scheduled for later sleeps until its time, then runs", async () => {
    const userId = await createTestUser(db);
    const { prompt } = workflowScript.prompt("answer", "Later.");
    const runAt = new Date(Date.now() + 2000);
    const { task } = await createTask({ db, engine: inngest.dispatcher }, { userId, title: "Later", prompt, runAt, ...OPENAI_MODEL });
    const runId = (await db.run.findFirstOrThrow({ where: { taskId: task.id } })).id;
    const run = serverRun(inngest, runId);
    expect(run.trigger.data).toMatchObject({ runId, startAt: expect.any(String) });
    await waitForStatus(db, task.id, "completed");
    expect(run.steps[0]).toMatchObject({ name: "wait-for-start", op: "Sleep" });
    const started = await db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(started.startedAt!.getTime()).toBeGreaterThanOrEqual(runAt.getTime() - 1000);
  });

  test("waits for approval with step.waitForEvent and resumes on the decision event", async () => {
    const { userId, taskId, runId, approval, sinkPath } = await orderAwaitingApproval();
    const run = serverRun(inngest, runId);
    await expect.poll(() => run.wait?.op.displayName).toBe(`wait-approval-${approval.id}-1-event-1`);
    expect(run.wait!.op).toMatchObject({ op: "WaitForEvent", name: RUN_SIGNAL_EVENT, opts: { if: signalMatch(runId, `approval:${approval.id}`) } });

    await approve(userId, approval.id);
    await waitForStatus(db, taskId, "completed");
    expect(site.sinkRequests(sinkPath)).toHaveLength(1);
    const signal = await db.engineSignal.findUniqueOrThrow({ where: { key: `${approval.id}-decision` } });
    expect(signal).toMatchObject({ runId, topic: `approval:${approval.id}`, payload: { decision: "approve" }, consumedBy: `wait-approval-${approval.id}-1-read-1` });
    expect(stepNames(run)).toEqual(expect.arrayContaining([`settle-approval-1-1`, "tool-1-1", "finish-run"]));
  });

  test("an approval nobody answers times out: the wait returns null, the approval expires, the task fails", async () => {
    const { taskId, runId, approval, sinkPath } = await orderAwaitingApproval();
    const failed = await waitForStatus(db, taskId, "failed", undefined, APPROVAL_TTL_MS + 15_000);
    expect(failed.statusReason).toContain("Nobody approved http_request");
    expect(await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).toMatchObject({ status: "expired" });
    const run = serverRun(inngest, runId);
    const waits = run.steps.filter((step) => step.op === "WaitForEvent");
    expect(waits.map((step) => step.name)).toEqual([`wait-approval-${approval.id}-1-event-1`]);
    expect(run.memo[waits[0]!.id]).toEqual({ id: waits[0]!.id, data: null });
    expect(site.sinkRequests(sinkPath)).toEqual([]);
  });

  test("canceling: cancelOn ends the run between steps, and run-canceled stops the model and closes the run", async () => {
    const slow = backendWith({ model: slowModel });
    const { userId, taskId, runId } = await startTask(slow, "answer", "Take your time.");
    await expect.poll(async () => (await db.run.findUniqueOrThrow({ where: { id: runId } })).responseId, { timeout: 15_000 }).toBeTruthy();
    const run = serverRun(slow, runId);
    expect(run.status).toBe("running");

    await cancelTask({ db, engine: slow.dispatcher }, { userId, taskId });
    expect(run.status).toBe("canceled");
    const cleanup = slow.server.runsOf(RUN_CANCELED_FUNCTION);
    expect(cleanup).toHaveLength(1);
    await cleanup[0]!.done;
    expect(cleanup[0]).toMatchObject({ status: "completed" });
    expect(stepNames(cleanup[0]!)).toEqual(["cancel-model", "finish-canceled"]);
    expect(await db.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "canceled" });
    expect((await db.task.findUniqueOrThrow({ where: { id: taskId } })).status).toBe("canceled");
    expect(slowModel.stats.cancels).toBe(1);
    // A cancel needs no keeping: cancelOn sees it from the run's start.
    expect(await db.engineSignal.count({ where: { runId } })).toBe(0);
  });

  test("a step that fails once is retried (next attempt) and the run goes on", async () => {
    const failedOnce = new Set<string>();
    const flaky = backendWith({
      wrapProvider: (provider): ModelProvider => ({
        ...provider,
        async start(request, options) {
          if (!failedOnce.has(options.idempotencyKey)) {
            failedOnce.add(options.idempotencyKey);
            throw new Error("The model service hiccuped.");
          }
          return provider.start(request, options);
        },
      }),
    });
    const { taskId, runId } = await startTask(flaky, "answer", "Say hello despite a hiccup.");
    await waitForStatus(db, taskId, "completed");
    const starts = serverRun(flaky, runId).steps.filter((step) => step.name === "start-model-1");
    expect(starts.map(({ name, op, attempt }) => ({ name, op, attempt }))).toEqual([
      { name: "start-model-1", op: "StepError", attempt: 0 },
      { name: "start-model-1", op: "StepRun", attempt: 1 },
    ]);
  });

  test("a step that keeps failing stops after the retries its StepOptions allow, and the workflow records the failure", async () => {
    const broken = backendWith({
      wrapProvider: (provider): ModelProvider => ({
        ...provider,
        start: async () => {
          throw new Error("The model service is down.");
        },
      }),
    });
    const { taskId, runId } = await startTask(broken, "answer", "Say hello to nobody.");
    const failed = await waitForStatus(db, taskId, "failed");
    expect(failed.statusReason).toBe("Step start-model-1 failed: The model service is down.");
    // The model step allows 2 retries: attempts 0 and 1 are retried, attempt 2 fails for good.
    expect(serverRun(broken, runId).steps.filter((step) => step.name === "start-model-1").map((step) => [step.op, step.attempt])).toEqual([
      ["StepError", 0],
      ["StepError", 1],
      ["StepFailed", 2],
    ]);
    expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("failed");
  });
});

describe("a decision sent before the run reaches its wait", () => {
  test("before the wait's first read: the read finds it in the store and the run never waits", async () => {
    const held = inngest.server.hold((op) => op.op === "StepRun" && /^approval-wait-1-1$/.test(op.displayName ?? ""));
    const { userId, taskId, runId, approval, sinkPath } = await orderAwaitingApproval();
    await held.reached;
    await approve(userId, approval.id);
    // The event went out while no wait was registered: Inngest matches it to nothing.
    expect(serverRun(inngest, runId).wait).toBeUndefined();
    held.release();
    await waitForStatus(db, taskId, "completed");
    const run = serverRun(inngest, runId);
    expect(run.steps.filter((step) => step.op === "WaitForEvent")).toEqual([]);
    expect(stepNames(run)).toContain(`wait-approval-${approval.id}-1-read`);
    expect(site.sinkRequests(sinkPath)).toHaveLength(1);
  });

  test("between the read and the wait: the schedule tick sends it again and the wait wakes", async () => {
    const held = inngest.server.hold((op) => op.op === "WaitForEvent");
    const { userId, taskId, runId, approval, sinkPath } = await orderAwaitingApproval();
    await held.reached;
    await approve(userId, approval.id);
    held.release();
    const run = serverRun(inngest, runId);
    await expect.poll(() => run.wait).toBeDefined();
    const sent = await inngest.dispatcher.redeliverUnreadSignals({ olderThanMs: 0, limit: 100 });
    expect(sent).toBeGreaterThanOrEqual(1);
    await waitForStatus(db, taskId, "completed", undefined, APPROVAL_TTL_MS - 500);
    expect(site.sinkRequests(sinkPath)).toHaveLength(1);
    expect((await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("approved");
  });

  test("between the read and the wait, with no redelivery: the read after the wait's timeout finds it, so it is not lost", async () => {
    const held = inngest.server.hold((op) => op.op === "WaitForEvent");
    const { userId, taskId, runId, approval } = await orderAwaitingApproval();
    await held.reached;
    await approve(userId, approval.id);
    held.release();
    await waitForStatus(db, taskId, "completed", undefined, APPROVAL_TTL_MS + 15_000);
    expect((await db.approval.findUniqueOrThrow({ where: { id: approval.id } })).status).toBe("approved");
    const events = (await timeline(db, taskId)).map((event) => event.type);
    expect(events).not.toContain("approval.expired");
    expect(events).toContain("tool.called");
    expect(serverRun(inngest, runId).status).toBe("completed");
  });
});

describe("schedule-tick", () => {
  test("overlapping ticks create exactly one task per due slot and start its run", async () => {
    const userId = await createTestUser(db);
    const { prompt } = workflowScript.prompt("answer", "Daily report.");
    // Yearly, with its slot set to this minute: the later tick below cannot meet a new slot even if
    // the test crosses a minute boundary.
    const schedule = await createSchedule(db, { userId, title: "Once a year", prompt, cron: "0 0 1 1 *", timezone: "UTC", missedRunPolicy: "run_latest" });
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await db.schedule.update({ where: { id: schedule.id }, data: { nextRunAt: slot } });

    const tick = () => inngest.server.invoke(inngest.functions.scheduleTick, { name: "inngest/scheduled.timer", data: { cron: "* * * * *" } });
    const ticks = [tick(), tick(), tick()];
    await Promise.all(ticks.map((run) => run.done));
    expect(ticks.map((run) => run.status)).toEqual(["completed", "completed", "completed"]);
    expect(ticks.map((run) => stepNames(run))).toEqual(Array(3).fill(["fire-due-schedules", "start-stranded-runs", "redeliver-signals", "poll-triggers"]));
    expect(ticks.reduce((sum, run) => sum + (run.output as { created: number }).created, 0)).toBe(1);

    const tasks = await db.task.findMany({ where: { scheduleId: schedule.id }, include: { runs: true } });
    expect(tasks.map((task) => task.scheduledFor?.toISOString())).toEqual([slot.toISOString()]);
    const runId = tasks[0]!.runs[0]!.id;
    expect(inngest.server.events.filter((event) => event.name === RUN_REQUESTED_EVENT && event.data.runId === runId)).toHaveLength(1);
    await waitForStatus(db, tasks[0]!.id, "completed");

    // A later tick finds nothing due.
    const again = tick();
    await again.done;
    expect(again.output).toMatchObject({ created: 0 });
    expect(await db.task.count({ where: { scheduleId: schedule.id } })).toBe(1);
  });

  test("a feed trigger is polled by the tick: the first poll records what is there, a new item then starts one task and its run", async () => {
    const feed = await startEtagFeedServer();
    try {
      const userId = await createTestUser(db);
      const input = triggerInput.parse({ kind: "feed", name: "New post", prompt: "Summarise the new post.", feedUrl: feed.url, pollIntervalSeconds: 60 });
      const { trigger } = await createTrigger(db, { ...input, userId });
      const tick = async () => {
        // Due now: the tick's own clock decides, so move the next poll back rather than waiting a minute.
        await db.trigger.update({ where: { id: trigger.id }, data: { nextPollAt: new Date(Date.now() - 1_000) } });
        const run = inngest.server.invoke(inngest.functions.scheduleTick, { name: "inngest/scheduled.timer", data: { cron: "* * * * *" } });
        await run.done;
        return run.output as { triggers: { polled: number; created: number } };
      };

      expect((await tick()).triggers).toEqual({ polled: 1, created: 0 });
      feed.publish("post-9", "Ninth post");
      expect((await tick()).triggers).toEqual({ polled: 1, created: 1 });
      expect((await tick()).triggers).toEqual({ polled: 1, created: 0 });

      const tasks = await db.task.findMany({ where: { userId }, include: { runs: true } });
      expect(tasks).toHaveLength(1);
      expect(tasks[0]!.prompt).toContain("Ninth post");
      expect(inngest.server.events.filter((event) => event.name === RUN_REQUESTED_EVENT && event.data.runId === tasks[0]!.runs[0]!.id)).toHaveLength(1);
    } finally {
      await feed.close();
    }
  });
});
