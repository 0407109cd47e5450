// Follow-ups: one continuous conversation per task. A message to unfinished work waits in the
// database until the agent's next turn reads it (so one sent before the agent gets there is not
// lost); a message to finished work starts a new run in the same thread.
import type { Db, DbTx } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { z } from "zod";
import { notFound } from "./get-task";
import { isTerminal } from "./status";
import { appendEvent, appendStepEvent, findStepEvent } from "./timeline";
import { transitionTask } from "./transition-task";
import { assertId } from "@/lib/validation/ids";

export const messageInput = z.object({
  body: z.string({ message: "Write a message." }).trim().min(1, "Write a message.").max(20_000, "Keep the message under 20,000 characters."),
});

export async function postMessage(
  deps: { db: Db; engine: TaskDispatcher },
  params: { userId: string; taskId: string; body: string },
): Promise<{ messageId: string; newRunId: string | null }> {
  assertId(params.taskId, notFound);
  const result = await deps.db.$transaction(async (tx) => {
    // Waits for a run that is finishing right now: it either reads this message first or is done.
    await lockTask(tx, { taskId: params.taskId, userId: params.userId });
    const task = await tx.task.findFirst({ where: { id: params.taskId, userId: params.userId }, include: { runs: { orderBy: { number: "desc" }, take: 1 } } });
    if (!task) throw notFound();
    const message = await tx.taskMessage.create({ data: { taskId: task.id, body: params.body }, select: { id: true } });
    await appendEvent(tx, { taskId: task.id, type: "message.sent", actor: "user", message: `You: ${params.body.slice(0, 200)}` });
    if (!isTerminal(task.status)) return { messageId: message.id, newRunId: null };
    await transitionTask(tx, { taskId: task.id, userId: params.userId, to: "queued", actor: "user", reason: "Follow-up message" });
    const run = await tx.run.create({
      data: { taskId: task.id, number: (task.runs[0]?.number ?? 0) + 1, provider: task.provider, model: task.model },
      select: { id: true },
    });
    return { messageId: message.id, newRunId: run.id };
  });
  if (result.newRunId) {
    await deps.engine.startRun(result.newRunId).catch((error: unknown) => {
      console.warn(`Run ${result.newRunId} is queued; the worker will start it (${String(error)})`);
    });
  }
  return result;
}

/**
 * Writes the task row (a new version of it, changing nothing) and so holds it until the transaction
 * ends, as a finishing run's status update does: a follow-up is then either committed before the
 * run checks for unread ones, or sees it finished; and a run's end that began before it finds the
 * row rewritten and looks again (finishRun). Rows that merely reference the task, like timeline
 * events, are not held up (an update of no key column takes the NO KEY lock).
 */
export async function lockTask(tx: DbTx, task: { taskId: string; userId: string }): Promise<void> {
  await tx.$executeRaw`UPDATE tasks SET updated_at = updated_at WHERE id = ${task.taskId}::uuid AND user_id = ${task.userId}::uuid`;
}

/**
 * The agent's side: messages not yet read, marked read by this run at this step. A repeat of the
 * step (after a crash) gets the same messages again, not none.
 */
export async function takeMessages(db: Db, params: { taskId: string; runId: string; stepKey: string }): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const earlier = await findStepEvent(tx, params);
    if (earlier) {
      const ids = (earlier.data as { messageIds?: string[] } | null)?.messageIds ?? [];
      const read = await tx.taskMessage.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: "asc" } });
      return read.map((m) => m.body);
    }
    const pending = await tx.taskMessage.findMany({ where: { taskId: params.taskId, deliveredRunId: null }, orderBy: { createdAt: "asc" } });
    if (pending.length === 0) return [];
    await tx.taskMessage.updateMany({ where: { id: { in: pending.map((m) => m.id) } }, data: { deliveredRunId: params.runId } });
    await appendStepEvent(tx, {
      taskId: params.taskId,
      runId: params.runId,
      stepKey: params.stepKey,
      type: "message.read",
      actor: "agent",
      message: pending.length === 1 ? "Read your message" : `Read your ${pending.length} messages`,
      data: { messageIds: pending.map((m) => m.id) },
    });
    return pending.map((m) => m.body);
  });
}
