import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { getTaskOrThrow } from "@/lib/tasks/get-task";

// POST /api/tasks/:id/cancel - cancel a queued, running or waiting task
export async function POST(request: Request, context: RouteContext<"/api/tasks/[id]/cancel">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    const userId = await apiUserId(request);
    await cancelTask({ db: db(), engine: taskDispatcher() }, { userId, taskId: id });
    return Response.json({ task: await getTaskOrThrow(db(), { userId, taskId: id }) });
  });
}
