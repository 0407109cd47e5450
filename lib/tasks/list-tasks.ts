import { directSql, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ListTasksQuery } from "./schemas";
import { previewColumns, taskPreview, type PreviewSource } from "./task-previews";
import { toTaskSummary, type TaskListItem, type TaskSummaryRow } from "./views";

type ListTasksParams = ListTasksQuery & { userId: string };

/**
 * The page and each task's preview in one statement: one round trip per page. The page is read in id
 * order from an index (no sort over the user's tasks), the previews only for the rows it returns.
 * One row more than the page says whether there is a next one.
 */
export function listTasksStatement(params: ListTasksParams): Prisma.Sql {
  return Prisma.sql`
    SELECT t.id, t.title, t.status, t.status_reason AS "statusReason", t.provider, t.model, t.run_at AS "runAt",
      t.schedule_id AS "scheduleId", t.scheduled_for AS "scheduledFor", t.parent_task_id AS "parentTaskId",
      t.created_at AS "createdAt", t.updated_at AS "updatedAt", ${previewColumns}
    FROM tasks t
    WHERE t.user_id = ${params.userId}::uuid
      ${params.status ? Prisma.sql`AND t.status = ${params.status}::"TaskStatus"` : Prisma.empty}
      ${params.cursor ? Prisma.sql`AND t.id < ${params.cursor}::uuid` : Prisma.empty}
    ORDER BY t.id DESC
    LIMIT ${params.limit + 1}`;
}

/** Newest first. Ids are UUIDv7 (time-ordered), so the id is the keyset cursor. */
export async function listTasks(db: Db, params: ListTasksParams): Promise<{ tasks: TaskListItem[]; nextCursor: string | null }> {
  // The inbox's every load and refresh: on the driver (lib/db.ts says why).
  const rows = await directSql(db).query<TaskSummaryRow & PreviewSource>(listTasksStatement(params));
  const page = rows.slice(0, params.limit);
  return {
    tasks: page.map(({ resultHead, latestMessage, ...task }) => ({ ...toTaskSummary(task), preview: taskPreview({ resultHead, latestMessage }) })),
    nextCursor: rows.length > params.limit ? page.at(-1)!.id : null,
  };
}
