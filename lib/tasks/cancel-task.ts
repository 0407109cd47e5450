import type { Db, DbTx } from "@/lib/db";
import { SIGNAL_CANCEL, type TaskDispatcher } from "@/lib/engine/port";
import { approvalSignalTopic } from "@/lib/approvals/schemas";
import { AppError } from "@/lib/errors";
import { SUBTASKS_SIGNAL } from "@/lib/subtasks/schemas";
import { notFound } from "./get-task";
import { TERMINAL_STATUSES } from "./status";
import { transitionTask } from "./transition-task";
import { assertId } from "@/lib/validation/ids";

interface Signal {
  runId: string;
  topic: string;
  key: string;
}

/**
 * Cancels at once in the database (the person sees it immediately), then tells the run's workflow,
 * which stops the model call and closes the run at its next step. The task's sub-tasks still under
 * way (spawn_subtasks, at any depth) are canceled with it, in the same transaction.
 */
export async function cancelTask(deps: { db: Db; engine: TaskDispatcher }, params: { userId: string; taskId: string }): Promise<void> {
  assertId(params.taskId, notFound);
  const signals = await deps.db.$transaction(async (tx) => {
    const { userId, taskId } = params;
    await transitionTask(tx, { taskId, userId, to: "canceled", actor: "user", reason: "Canceled by you" });
    const cascade: string[] = [];
    // Read after the parent's row is held by its cancel: a spawn_subtasks step creating sub-tasks
    // right now has either committed them (found here) or will find the parent canceled.
    for (const childId of await openDescendants(tx, { userId, taskId })) {
      try {
        await transitionTask(tx, { taskId: childId, userId, to: "canceled", actor: "user", reason: "Its parent task was canceled" });
        cascade.push(childId);
      } catch (error) {
        // It ended a moment ago: nothing to cancel.
        if (!(error instanceof AppError && error.code === "CONFLICT")) throw error;
      }
    }
    const taskIds = [taskId, ...cascade];
    const signals: Signal[] = [];
    for (const id of taskIds) signals.push(...(await closeCanceledTask(tx, { userId, taskId: id })));
    // The parent run waiting for this task (when it is a sub-task) or for its sub-tasks re-reads them.
    const task = await tx.task.findFirstOrThrow({ where: { id: taskId, userId }, select: { parentRunId: true, _count: { select: { subtasks: true } } } });
    // The first cancel signal is this task's own (its signals were gathered first).
    const ownRun = signals.find((signal) => signal.topic === SIGNAL_CANCEL);
    if (task._count.subtasks > 0 && ownRun) signals.push({ runId: ownRun.runId, topic: SUBTASKS_SIGNAL, key: `${ownRun.runId}-canceled` });
    if (task.parentRunId) signals.push({ runId: task.parentRunId, topic: SUBTASKS_SIGNAL, key: `${taskId}-canceled` });
    return signals;
  });
  for (const { runId, topic, key } of signals) {
    await deps.engine.signal(runId, topic, { by: "user" }, key).catch((error: unknown) => {
      console.warn(`Task ${params.taskId} is canceled; its workflow will notice at its next step (${String(error)})`);
    });
  }
}

/** The task's sub-tasks at any depth that have not ended, the owner's only. */
async function openDescendants(tx: DbTx, params: { userId: string; taskId: string }): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE tree AS (
      SELECT id, status FROM tasks WHERE parent_task_id = ${params.taskId}::uuid AND user_id = ${params.userId}::uuid
      UNION ALL
      SELECT t.id, t.status FROM tasks t JOIN tree ON t.parent_task_id = tree.id WHERE t.user_id = ${params.userId}::uuid)
    SELECT id::text FROM tree WHERE NOT (status = ANY(${TERMINAL_STATUSES}::"TaskStatus"[])) ORDER BY id`;
  return rows.map((row) => row.id);
}

/** Closes what a canceled task leaves open and says which workflows to tell. */
async function closeCanceledTask(tx: DbTx, params: { userId: string; taskId: string }): Promise<Signal[]> {
  const { taskId } = params;
  // A run no worker has picked up yet (a later start, a busy queue) ends here; a started one is
  // closed by its workflow once it has stopped the model.
  await tx.run.updateMany({ where: { taskId, status: "queued" }, data: { status: "canceled", finishedAt: new Date() } });
  // A pending approval is moot once its task is canceled; its wait ends now, not at expiry.
  const pending = await tx.approval.findMany({ where: { taskId, status: "pending" }, select: { id: true } });
  await tx.approval.updateMany({
    where: { id: { in: pending.map((approval) => approval.id) } },
    data: { status: "denied", decidedAt: new Date(), decidedBy: params.userId, decidedVia: "cancel", decisionNote: "The task was canceled." },
  });
  const run = await tx.run.findFirst({ where: { taskId }, orderBy: { number: "desc" }, select: { id: true } });
  if (!run) return [];
  return [
    { runId: run.id, topic: SIGNAL_CANCEL, key: `${run.id}-cancel` },
    ...pending.map((approval) => ({ runId: run.id, topic: approvalSignalTopic(approval.id), key: `${approval.id}-decision` })),
  ];
}
