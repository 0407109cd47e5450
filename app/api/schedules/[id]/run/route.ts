import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { runScheduleNow } from "@/lib/schedules/manage-schedules";

// POST /api/schedules/:id/run - run it now, outside its timetable
export async function POST(request: Request, context: RouteContext<"/api/schedules/[id]/run">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    const { taskId } = await runScheduleNow({ db: db(), engine: taskDispatcher() }, { userId: await apiUserId(request), scheduleId: id });
    return Response.json({ taskId }, { status: 202, headers: { location: `/api/tasks/${taskId}` } });
  });
}
