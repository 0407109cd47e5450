import type { Db } from "@/lib/db";
import type { ListTasksQuery } from "./schemas";
import { taskPreviews } from "./task-previews";
import { toTaskSummary, type TaskListItem } from "./views";

/** Newest first. Ids are UUIDv7 (time-ordered), so the id is the keyset cursor. */
export async function listTasks(db: Db, params: ListTasksQuery & { userId: string }): Promise<{ tasks: TaskListItem[]; nextCursor: string | null }> {
  const rows = await db.task.findMany({
    where: {
      userId: params.userId,
      ...(params.status ? { status: params.status } : {}),
      ...(params.cursor ? { id: { lt: params.cursor } } : {}),
    },
    orderBy: { id: "desc" },
    take: params.limit + 1,
  });
  const page = rows.slice(0, params.limit).map(toTaskSummary);
  const previews = await taskPreviews(db, { userId: params.userId, tasks: page });
  return {
    tasks: page.map((task) => ({ ...task, preview: previews.get(task.id) ?? null })),
    nextCursor: rows.length > params.limit ? page.at(-1)!.id : null,
  };
}
