import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { respond } from "@/lib/http/respond";
import { getTaskOrThrow } from "@/lib/tasks/get-task";

// GET /api/tasks/:id - the task with its runs, timeline and artifacts
export async function GET(request: Request, context: RouteContext<"/api/tasks/[id]">) {
  return respond(async () => {
    const { id } = await context.params;
    return Response.json({ task: await getTaskOrThrow(db(), { userId: await apiUserId(request), taskId: id }) });
  });
}
