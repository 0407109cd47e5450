import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { AppError } from "@/lib/errors";
import { notFound } from "./get-task";
import { transitionTask } from "./transition-task";
import { assertId } from "@/lib/validation/ids";

/** A retry is a new run of the same task, with the task's current model. */
export async function retryTask(deps: { db: Db; engine: TaskDispatcher }, params: { userId: string; taskId: string }): Promise<{ runId: string }> {
  assertId(params.taskId, notFound);
  const run = await deps.db.$transaction(async (tx) => {
    const current = await tx.task.findFirst({ where: { id: params.taskId, userId: params.userId }, select: { status: true } });
    if (!current) throw notFound();
    // Completed work takes follow-ups, not retries (the state machine allows both to re-queue).
    if (current.status !== "failed" && current.status !== "canceled") {
      throw new AppError("CONFLICT", { message: `This task is ${current.status}, so it can't be retried.` });
    }
    await transitionTask(tx, { taskId: params.taskId, userId: params.userId, to: "queued", actor: "user", reason: "Retry requested" });
    const task = await tx.task.findUniqueOrThrow({ where: { id: params.taskId }, include: { runs: { orderBy: { number: "desc" }, take: 1 } } });
    return tx.run.create({
      data: { taskId: task.id, number: (task.runs[0]?.number ?? 0) + 1, provider: task.provider, model: task.model },
      select: { id: true },
    });
  });
  await deps.engine.startRun(run.id).catch((error: unknown) => {
    console.warn(`Run ${run.id} is queued; the worker will start it (${String(error)})`);
  });
  return { runId: run.id };
}
