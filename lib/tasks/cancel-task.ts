import type { Db } from "@/lib/db";
import { SIGNAL_CANCEL, type TaskDispatcher } from "@/lib/engine/port";
import { approvalSignalTopic } from "@/lib/approvals/schemas";
import { notFound } from "./get-task";
import { transitionTask } from "./transition-task";
import { assertId } from "@/lib/validation/ids";

/**
 * Cancels at once in the database (the person sees it immediately), then tells the run's workflow,
 * which stops the model call and closes the run at its next step.
 */
export async function cancelTask(deps: { db: Db; engine: TaskDispatcher }, params: { userId: string; taskId: string }): Promise<void> {
  assertId(params.taskId, notFound);
  const { runId, approvalIds } = await deps.db.$transaction(async (tx) => {
    await transitionTask(tx, { taskId: params.taskId, userId: params.userId, to: "canceled", actor: "user", reason: "Canceled by you" });
    // A run no worker has picked up yet (a later start, a busy queue) ends here; a started one is
    // closed by its workflow once it has stopped the model.
    await tx.run.updateMany({ where: { taskId: params.taskId, status: "queued" }, data: { status: "canceled", finishedAt: new Date() } });
    // A pending approval is moot once its task is canceled; its wait ends now, not at expiry.
    const pending = await tx.approval.findMany({ where: { taskId: params.taskId, status: "pending" }, select: { id: true } });
    await tx.approval.updateMany({
      where: { id: { in: pending.map((approval) => approval.id) } },
      data: { status: "denied", decidedAt: new Date(), decidedBy: params.userId, decidedVia: "cancel", decisionNote: "The task was canceled." },
    });
    const run = await tx.run.findFirst({ where: { taskId: params.taskId }, orderBy: { number: "desc" }, select: { id: true } });
    return { runId: run?.id, approvalIds: pending.map((approval) => approval.id) };
  });
  const signals = [
    ...(runId ? [{ topic: SIGNAL_CANCEL, key: `${runId}-cancel` }] : []),
    ...approvalIds.map((id) => ({ topic: approvalSignalTopic(id), key: `${id}-decision` })),
  ];
  for (const { topic, key } of signals) {
    await deps.engine.signal(runId!, topic, { by: "user" }, key).catch((error: unknown) => {
      console.warn(`Task ${params.taskId} is canceled; its workflow will notice at its next step (${String(error)})`);
    });
  }
}
