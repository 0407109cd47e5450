// The one place a task changes status. The update is conditional on the current status, so two
// racing writers (a cancel and a completing worker) cannot both win, and every change appends a
// timeline event in the same transaction.
import type { DbTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { appendEvent, type Actor } from "./timeline";
import { STATUS_LABELS, statusesLeadingTo, type TaskStatus } from "./status";

export interface TransitionParams {
  taskId: string;
  /** When set, only this user's task may move (user-initiated changes). */
  userId?: string;
  /** The run the change belongs to; its status follows the task's. */
  runId?: string;
  to: TaskStatus;
  actor: Actor;
  reason?: string;
}

const eventMessages: Record<TaskStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting_approval: "Waiting for approval",
  completed: "Completed",
  failed: "Failed",
  canceled: "Canceled",
};

const refusalVerbs: Partial<Record<TaskStatus, string>> = { canceled: "canceled", queued: "retried" };

export async function transitionTask(tx: DbTx, params: TransitionParams): Promise<void> {
  const { taskId, userId, runId, to, actor, reason } = params;
  const updated = await tx.task.updateMany({
    where: { id: taskId, ...(userId ? { userId } : {}), status: { in: statusesLeadingTo(to) } },
    data: { status: to, statusReason: reason ?? null },
  });
  if (updated.count === 0) {
    const current = await tx.task.findFirst({ where: { id: taskId, ...(userId ? { userId } : {}) }, select: { status: true } });
    if (!current) throw new AppError("NOT_FOUND", { message: "No such task." });
    const verb = refusalVerbs[to] ?? `moved to ${STATUS_LABELS[to].toLowerCase()}`;
    throw new AppError("CONFLICT", {
      message: `This task is ${STATUS_LABELS[current.status].toLowerCase()}, so it can't be ${verb}.`,
    });
  }
  if (runId) {
    const now = new Date();
    await tx.run.update({
      where: { id: runId },
      data: {
        status: to,
        ...(to === "running" ? { startedAt: now } : {}),
        ...(to === "completed" || to === "failed" || to === "canceled" ? { finishedAt: now } : {}),
        ...(to === "failed" ? { error: reason ?? null } : {}),
      },
      select: { id: true },
    });
  }
  await appendEvent(tx, {
    taskId,
    runId,
    type: "task.status",
    actor,
    message: reason ? `${eventMessages[to]}: ${reason}` : eventMessages[to],
    data: { status: to },
  });
}
