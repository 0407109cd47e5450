import type { Db } from "@/lib/db";
import type { ListTasksQuery } from "./schemas";
import { toTaskSummary, type TaskSummary } from "./views";

/** Newest first. Ids are UUIDv7 (time-ordered), so the id is the keyset cursor. */
export async function listTasks(db: Db, params: ListTasksQuery & { userId: string }): Promise<{ tasks: TaskSummary[]; nextCursor: string | null }> {
  const rows = await db.task.findMany({
    where: {
      userId: params.userId,
      ...(params.status ? { status: params.status } : {}),
      ...(params.cursor ? { id: { lt: params.cursor } } : {}),
    },
    orderBy: { id: "desc" },
    take: params.limit + 1,
  });
  const page = rows.slice(0, params.limit);
  return { tasks: page.map(toTaskSummary), nextCursor: rows.length > params.limit ? page.at(-1)!.id : null };
}
