// A task's sub-tasks as its page lists them, oldest first: the owner's only, in the query itself.
import type { Db } from "@/lib/db";
import { toTaskSummary, type TaskSummary } from "@/lib/tasks/views";

export async function listSubtasks(db: Db, params: { userId: string; taskId: string }): Promise<TaskSummary[]> {
  const tasks = await db.task.findMany({
    where: { parentTaskId: params.taskId, userId: params.userId, parent: { userId: params.userId } },
    orderBy: { id: "asc" },
  });
  return tasks.map(toTaskSummary);
}
