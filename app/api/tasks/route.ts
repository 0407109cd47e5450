import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { parseOrThrow } from "@/lib/http/respond";
import { createTask } from "@/lib/tasks/create-task";
import { listTasks } from "@/lib/tasks/list-tasks";
import { createTaskInput, idempotencyKeyHeader, listTasksQuery } from "@/lib/tasks/schemas";

// GET /api/tasks?status=&cursor=&limit= - the user's tasks, newest first
export const GET = withUser(async ({ user, query }) => Response.json(await listTasks(db(), { ...query(listTasksQuery), userId: user.id })));

// POST /api/tasks - create a task; a repeated Idempotency-Key returns the first task
export const POST = withUser(async ({ request, user, body }) => {
  const idempotencyKey = parseOrThrow(idempotencyKeyHeader, request.headers.get("idempotency-key") ?? undefined);
  const input = await body(createTaskInput);
  const { task, created } = await createTask({ db: db(), engine: taskDispatcher() }, { ...input, userId: user.id, idempotencyKey });
  return Response.json({ task }, { status: created ? 201 : 200, headers: { location: `/api/tasks/${task.id}` } });
});
