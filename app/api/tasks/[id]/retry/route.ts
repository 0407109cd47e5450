import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { getTaskOrThrow } from "@/lib/tasks/get-task";
import { retryTask } from "@/lib/tasks/retry-task";

// POST /api/tasks/:id/retry - start a new run of a failed or canceled task
export const POST = withUser<{ id: string }>(async ({ user, params }) => {
  await retryTask({ db: db(), engine: taskDispatcher() }, { userId: user.id, taskId: params.id });
  return Response.json({ task: await getTaskOrThrow(db(), { userId: user.id, taskId: params.id }) }, { status: 202 });
});
