import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { toApprovalView } from "@/lib/approvals/views";
import { toArtifactView, toEventView, toRunView, toTaskSummary, type TaskDetail } from "./views";
import { assertId } from "@/lib/validation/ids";

export async function getTaskOrThrow(db: Db, params: { userId: string; taskId: string }): Promise<TaskDetail> {
  // A malformed id names no task: the same 404 as an unknown or someone else's.
  assertId(params.taskId, notFound);
  const task = await db.task.findFirst({
    where: { id: params.taskId, userId: params.userId },
    include: {
      runs: { orderBy: { number: "asc" } },
      events: { orderBy: { id: "asc" } },
      artifacts: { orderBy: { createdAt: "asc" }, omit: { content: true } },
      approvals: { orderBy: { requestedAt: "asc" } },
      messages: { where: { deliveredRunId: { not: null } }, orderBy: { createdAt: "asc" }, select: { body: true, deliveredRunId: true } },
      parent: { select: { id: true, title: true, userId: true } },
      // Its sub-tasks (spawn_subtasks), the owner's only, in the query itself.
      subtasks: { where: { userId: params.userId }, orderBy: { id: "asc" } },
    },
  });
  if (!task) throw notFound();
  return {
    ...toTaskSummary(task),
    prompt: task.prompt,
    browserOrigins: task.browserOrigins,
    // A sub-task's parent has the same owner; checked anyway, so a bad row never leaks a title.
    parent: task.parent && task.parent.userId === params.userId ? { id: task.parent.id, title: task.parent.title } : null,
    subtasks: task.subtasks.map(toTaskSummary),
    runs: task.runs.map((run) => toRunView(run, task.messages.find((message) => message.deliveredRunId === run.id)?.body ?? null)),
    events: task.events.map(toEventView),
    artifacts: task.artifacts.map(toArtifactView),
    approvals: task.approvals.map(toApprovalView),
  };
}

export function notFound(): AppError {
  return new AppError("NOT_FOUND", { message: "No such task. It may have been deleted, or the link is wrong." });
}
