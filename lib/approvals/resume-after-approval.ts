import type { Db } from "@/lib/db";
import { transitionTask } from "@/lib/tasks/transition-task";

/** Back to running once a decision is in; false when the person canceled the task meanwhile. */
export async function resumeAfterApproval(db: Db, params: { taskId: string; runId: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const task = await tx.task.findUniqueOrThrow({ where: { id: params.taskId }, select: { status: true } });
    if (task.status === "canceled") return false;
    if (task.status === "waiting_approval") await transitionTask(tx, { ...params, to: "running", actor: "system" });
    return true;
  });
}
