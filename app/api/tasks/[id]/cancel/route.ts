import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { getTaskOrThrow } from "@/lib/tasks/get-task";

// POST /api/tasks/:id/cancel - cancel a queued, running or waiting task
export const POST = withUser<{ id: string }>(async ({ user, params }) => {
  await cancelTask({ db: db(), engine: taskDispatcher() }, { userId: user.id, taskId: params.id });
  return Response.json({ task: await getTaskOrThrow(db(), { userId: user.id, taskId: params.id }) });
});
