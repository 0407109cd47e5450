import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { runScheduleNow } from "@/lib/schedules/manage-schedules";

// POST /api/schedules/:id/run - run it now, outside its timetable
export const POST = withUser<{ id: string }>(async ({ user, params }) => {
  const { taskId } = await runScheduleNow({ db: db(), engine: taskDispatcher() }, { userId: user.id, scheduleId: params.id });
  return Response.json({ taskId }, { status: 202, headers: { location: `/api/tasks/${taskId}` } });
});
