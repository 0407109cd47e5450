import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { getTaskOrThrow } from "@/lib/tasks/get-task";
import { retryTask } from "@/lib/tasks/retry-task";

// POST /api/tasks/:id/retry - start a new run of a failed or canceled task
export async function POST(request: Request, context: RouteContext<"/api/tasks/[id]/retry">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    const userId = await apiUserId(request);
    await retryTask({ db: db(), engine: taskDispatcher() }, { userId, taskId: id });
    return Response.json({ task: await getTaskOrThrow(db(), { userId, taskId: id }) }, { status: 202 });
  });
}
