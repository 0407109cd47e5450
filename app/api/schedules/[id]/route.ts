import { z } from "zod";
import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { deleteSchedule, getSchedule, setScheduleStatus, updateSchedule } from "@/lib/schedules/manage-schedules";
import { updateScheduleInput } from "@/lib/schedules/schemas";

const statusInput = z.object({ status: z.enum(["active", "paused"], { message: "Use active or paused." }) });

type Params = { id: string };

// GET /api/schedules/:id - the schedule with its runs (tasks), newest first
export const GET = withUser<Params>(async ({ user, params }) =>
  Response.json({ schedule: await getSchedule(db(), { userId: user.id, scheduleId: params.id }) }),
);

// PUT /api/schedules/:id - edit { title, prompt, cron, timezone, missedRunPolicy? }
export const PUT = withUser<Params>(async ({ user, params, body }) => {
  const input = await body(updateScheduleInput);
  return Response.json({ schedule: await updateSchedule(db(), { ...input, userId: user.id, scheduleId: params.id }) });
});

// PATCH /api/schedules/:id - pause or resume { status: "paused" | "active" }
export const PATCH = withUser<Params>(async ({ user, params, body }) => {
  const { status } = await body(statusInput);
  return Response.json({ schedule: await setScheduleStatus(db(), { userId: user.id, scheduleId: params.id, status }) });
});

// DELETE /api/schedules/:id - delete the schedule; the tasks it created stay
export const DELETE = withUser<Params>(async ({ user, params }) => {
  await deleteSchedule(db(), { userId: user.id, scheduleId: params.id });
  return new Response(null, { status: 204 });
});
