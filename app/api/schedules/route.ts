import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { createSchedule, listSchedules } from "@/lib/schedules/manage-schedules";
import { createScheduleInput } from "@/lib/schedules/schemas";

// GET /api/schedules - the user's schedules with their next five run times
export const GET = withUser(async ({ user }) => Response.json({ schedules: await listSchedules(db(), { userId: user.id }) }));

// POST /api/schedules - create a schedule { title, prompt, cron, timezone, missedRunPolicy? }
export const POST = withUser(async ({ user, body }) => {
  const input = await body(createScheduleInput);
  return Response.json({ schedule: await createSchedule(db(), { ...input, userId: user.id }) }, { status: 201 });
});
