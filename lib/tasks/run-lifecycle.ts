// What the workflow does to a run at its start and end. Each function is idempotent: a step
// re-executed after a crash finds its own earlier write and changes nothing.
import type { Db } from "@/lib/db";
import type { ModelUsage } from "@/lib/agent/providers/types";
import { transitionTask } from "./transition-task";
import { appendEvent } from "./timeline";
import { isTerminal } from "./status";

export interface RunWork {
  runId: string;
  taskId: string;
  title: string;
  prompt: string;
  provider: string;
  model: string;
}

/** Moves the task to running for this run; null when there is nothing to do (canceled, finished). */
export async function beginRun(db: Db, runId: string): Promise<RunWork | null> {
  return db.$transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id: runId }, include: { task: true } });
    if (!run || isTerminal(run.status)) return null;
    if (run.status === "queued") {
      if (run.task.status !== "queued") {
        // Canceled before a worker reached it: close the run without touching the task.
        await tx.run.update({ where: { id: runId }, data: { status: "canceled", finishedAt: new Date() } });
        return null;
      }
      await transitionTask(tx, { taskId: run.taskId, runId, to: "running", actor: "system", reason: undefined });
    }
    const { task } = run;
    return { runId, taskId: task.id, title: task.title, prompt: task.prompt, provider: run.provider, model: run.model };
  });
}

export async function recordModelResponse(db: Db, params: { runId: string; taskId: string; responseId: string; model: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.run.update({ where: { id: params.runId }, data: { responseId: params.responseId } });
    await appendEvent(tx, {
      taskId: params.taskId,
      runId: params.runId,
      type: "model.started",
      actor: "agent",
      message: `Asked ${params.model}; working in the background`,
    });
  });
}

export interface FinishRunParams {
  runId: string;
  outcome: "completed" | "failed" | "canceled";
  reason?: string;
  usage?: ModelUsage;
}

/** Ends the run and, unless the person already canceled the task, the task with it. */
export async function finishRun(db: Db, params: FinishRunParams): Promise<void> {
  await db.$transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id: params.runId }, include: { task: { select: { status: true } } } });
    if (!run || isTerminal(run.status)) return;
    if (params.usage) {
      await tx.run.update({
        where: { id: run.id },
        data: { inputTokens: { increment: params.usage.inputTokens }, outputTokens: { increment: params.usage.outputTokens } },
      });
    }
    if (run.task.status === "canceled" || params.outcome === "canceled") {
      await tx.run.update({ where: { id: run.id }, data: { status: "canceled", finishedAt: new Date() } });
      if (run.task.status !== "canceled") {
        await transitionTask(tx, { taskId: run.taskId, runId: run.id, to: "canceled", actor: "system", reason: params.reason });
      }
      return;
    }
    await transitionTask(tx, { taskId: run.taskId, runId: run.id, to: params.outcome, actor: "system", reason: params.reason });
  });
}
