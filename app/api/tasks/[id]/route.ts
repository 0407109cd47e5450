import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { getTaskOrThrow } from "@/lib/tasks/get-task";

// GET /api/tasks/:id - the task with its runs, timeline and artifacts
export const GET = withUser<{ id: string }>(async ({ user, params }) =>
  Response.json({ task: await getTaskOrThrow(db(), { userId: user.id, taskId: params.id }) }),
);
