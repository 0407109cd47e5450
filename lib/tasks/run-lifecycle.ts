// What the workflow does to a run at its start and end. Each function is idempotent: a step
// re-executed after a crash finds its own earlier write and changes nothing.
import type { ConversationItem } from "@/lib/agent/providers/conversation";
import { insertArtifact, type NewArtifact } from "@/lib/artifacts/save-artifact";
import { modelDisplayName } from "@/lib/agent/providers/model-names";
import { recordTurnTx, type TurnRecord } from "@/lib/agent/record-turn";
import { policyFloorSchema, type PolicyFloor } from "@/lib/policy/risk-policy";
import { previousRunContext } from "@/lib/schedules/previous-run-context";
import type { Db, DbTx } from "@/lib/db";
import { hasUnreadMessages } from "./messages";
import { readRunWithTask } from "./read-run";
import { isTerminal } from "./status";
import { appendEvent } from "./timeline";
import { transitionTask } from "./transition-task";

export interface RunWork {
  runId: string;
  taskId: string;
  userId: string;
  title: string;
  provider: string;
  model: string;
  budgetTokens: number | null;
  budgetUsd: number | null;
  /** When this run started (ISO, UTC): the agent's "today", the same on every replay of the run. */
  startedAt: string;
  /** Stricter-than-policy rules the task carries from its template. */
  policyFloor: PolicyFloor;
  /** The run's first act is a plan for the person to approve (lib/plans/plan-first.ts). */
  planFirst: boolean;
  /** A sub-task's parent run, woken when this run ends; its prompt was written by that run's agent. */
  parentRunId: string | null;
  /** The task's conversation so far: the request, earlier runs' answers and read follow-ups. */
  thread: ConversationItem[];
}

/** Moves the task to running for this run; null when there is nothing to do (canceled, finished). */
export async function beginRun(db: Db, runId: string): Promise<RunWork | null> {
  return db.$transaction(async (tx) => {
    const run = await readRunWithTask(tx, runId);
    if (!run || isTerminal(run.status)) return null;
    if (run.status === "queued") {
      if (run.task.status !== "queued") {
        // Canceled before a worker reached it: close the run without touching the task.
        await tx.run.update({ where: { id: runId }, data: { status: "canceled", finishedAt: new Date() }, select: { id: true } });
        return null;
      }
      await transitionTask(tx, { taskId: run.task.id, runId, to: "running", actor: "system" });
    }
    const { task } = run;
    const [answers, messages] = await Promise.all([
      // A task's first run has no earlier answers to read.
      run.number > 1 ? tx.artifact.findMany({ where: { taskId: task.id, name: "answer.md", runId: { not: runId } }, select: { content: true, createdAt: true } }) : [],
      readThreadMessages(tx, { taskId: task.id, runId }),
    ]);
    const delivered = messages.filter((m) => m.justRead).length;
    if (delivered > 0) {
      const message = delivered === 1 ? "Read your message" : `Read your ${delivered} messages`;
      await appendEvent(tx, { taskId: task.id, runId, type: "message.read", actor: "agent", message });
    }
    // Earlier runs' answers and the messages they read, in time order; then the ones this run
    // reads, even one sent while the last answer was being written (it came after that answer).
    const history: { at: Date; now: boolean; item: ConversationItem }[] = [
      ...answers.map((a) => ({ at: a.createdAt, now: false, item: { type: "assistant" as const, text: Buffer.from(a.content).toString("utf8"), toolCalls: [] } })),
      ...messages.map((m) => ({ at: m.createdAt, now: m.deliveredRunId === runId, item: { type: "user" as const, text: m.body } })),
    ];
    history.sort((a, b) => Number(a.now) - Number(b.now) || a.at.getTime() - b.at.getTime());
    const previous = await previousRunContext(tx, task);
    if (previous && run.number === 1) {
      await appendEvent(tx, { taskId: task.id, runId, type: "context.previous-run", actor: "system", message: "Gave the agent the previous run's result for comparison", data: { taskId: previous.previousTaskId } });
    }
    return {
      runId,
      taskId: task.id,
      userId: task.userId,
      title: task.title,
      provider: run.provider,
      model: run.model,
      budgetTokens: task.budgetTokens,
      budgetUsd: task.budgetUsd,
      startedAt: (run.startedAt ?? new Date()).toISOString(),
      policyFloor: policyFloorSchema.parse(task.policyFloor ?? {}),
      planFirst: task.planFirst,
      parentRunId: task.parentRunId,
      thread: [
        { type: "user", text: task.prompt },
        ...(previous ? [{ type: "user" as const, text: previous.text }] : []),
        ...history.map((entry) => entry.item),
      ],
    };
  });
}

/**
 * Every message of the task, the unread ones marked read by this run on the way (justRead): one
 * statement. The outer SELECT sees the rows as they were before the update, so none comes twice.
 */
async function readThreadMessages(tx: DbTx, params: { taskId: string; runId: string }) {
  const rows = await tx.$queryRaw<{ body: string; created_at: Date; delivered_run_id: string | null; just_read: boolean }[]>`
    WITH read_now AS (
      UPDATE task_messages SET delivered_run_id = ${params.runId}::uuid
       WHERE task_id = ${params.taskId}::uuid AND delivered_run_id IS NULL
      RETURNING body, created_at, delivered_run_id)
    SELECT body, created_at, delivered_run_id::text, true AS just_read FROM read_now
    UNION ALL
    SELECT body, created_at, delivered_run_id::text, false FROM task_messages
     WHERE task_id = ${params.taskId}::uuid AND delivered_run_id IS NOT NULL`;
  return rows.map((row) => ({ body: row.body, createdAt: row.created_at, deliveredRunId: row.delivered_run_id, justRead: row.just_read }));
}

export async function recordModelResponse(db: Db, params: { runId: string; taskId: string; responseId: string; provider: string; model: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.run.update({ where: { id: params.runId }, data: { responseId: params.responseId } });
    await appendEvent(tx, {
      taskId: params.taskId,
      runId: params.runId,
      type: "model.started",
      actor: "agent",
      message: `Asked ${modelDisplayName(params.provider, params.model)}; working in the background`,
    });
  });
}

export interface FinishRunParams {
  runId: string;
  outcome: "completed" | "failed" | "canceled";
  reason?: string;
  /** What the run produced, stored in the same transaction, so a completed run always has them. */
  artifacts?: Omit<NewArtifact, "taskId" | "runId">[];
  /** The final model turn, recorded here rather than in a step of its own (one checkpoint less). */
  finalTurn?: Omit<TurnRecord, "taskId" | "runId">;
}

/**
 * Ends the run and, unless the person already canceled the task, the task with it. Returns the id
 * of a follow-up run when a message arrived while the final answer was being written.
 */
export async function finishRun(db: Db, params: FinishRunParams): Promise<{ followUpRunId: string | null }> {
  return db.$transaction(async (tx) => {
    const none = { followUpRunId: null };
    // The task row is held from here on: a cancel landing now waits and then finds the run ended.
    const run = await readRunWithTask(tx, params.runId, { lockTask: true });
    if (!run || isTerminal(run.status)) return none;
    const taskId = run.task.id;
    // The run's end needs no spend totals (the budget was checked after every earlier turn).
    if (params.finalTurn) await recordTurnTx(tx, { ...params.finalTurn, taskId, runId: run.id }, { heldStatus: run.task.status, totals: false });
    if (run.task.status === "canceled" || params.outcome === "canceled") {
      await tx.run.update({ where: { id: run.id }, data: { status: "canceled", finishedAt: new Date() }, select: { id: true } });
      if (run.task.status !== "canceled") {
        await transitionTask(tx, { taskId, runId: run.id, to: "canceled", actor: "system", reason: params.reason });
      }
      return none;
    }
    for (const artifact of params.artifacts ?? []) await insertArtifact(tx, { ...artifact, taskId, runId: run.id });
    await transitionTask(tx, { taskId, runId: run.id, to: params.outcome, actor: "system", reason: params.reason });
    // A follow-up sent while the final answer was being written was never read: it starts a new
    // run, as one sent a moment later would. The update above holds the task row, so a follow-up
    // being posted right now waits and then sees the task finished.
    if (params.outcome !== "completed" || !(await hasUnreadMessages(tx, taskId))) return none;
    await transitionTask(tx, { taskId, to: "queued", actor: "system", reason: "Follow-up message" });
    const next = await tx.run.create({
      data: { taskId, number: run.number + 1, provider: run.task.provider, model: run.task.model },
      select: { id: true },
    });
    return { followUpRunId: next.id };
  });
}
