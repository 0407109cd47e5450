import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { createTask } from "@/lib/tasks/create-task";
import { listTasks } from "@/lib/tasks/list-tasks";
import { createTaskInput, idempotencyKeyHeader, listTasksQuery } from "@/lib/tasks/schemas";

// GET /api/tasks?status=&cursor=&limit= - the user's tasks, newest first
export async function GET(request: Request) {
  return respond(async () => {
    const query = parseOrThrow(listTasksQuery, Object.fromEntries(new URL(request.url).searchParams));
    const userId = await apiUserId(request);
    return Response.json(await listTasks(db(), { ...query, userId }));
  });
}

// POST /api/tasks - create a task; a repeated Idempotency-Key returns the first task
export async function POST(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const idempotencyKey = parseOrThrow(idempotencyKeyHeader, request.headers.get("idempotency-key") ?? undefined);
    const input = parseOrThrow(createTaskInput, await readJsonBody(request));
    const userId = await apiUserId(request);
    const { task, created } = await createTask({ db: db(), engine: taskDispatcher() }, { ...input, userId, idempotencyKey });
    return Response.json({ task }, { status: created ? 201 : 200, headers: { location: `/api/tasks/${task.id}` } });
  });
}
