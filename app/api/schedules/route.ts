import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { createSchedule, listSchedules } from "@/lib/schedules/manage-schedules";
import { createScheduleInput } from "@/lib/schedules/schemas";

// GET /api/schedules - the user's schedules with their next five run times
export async function GET(request: Request) {
  return respond(async () => Response.json({ schedules: await listSchedules(db(), { userId: await apiUserId(request) }) }));
}

// POST /api/schedules - create a schedule { title, prompt, cron, timezone, missedRunPolicy? }
export async function POST(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const input = parseOrThrow(createScheduleInput, await readJsonBody(request));
    const schedule = await createSchedule(db(), { ...input, userId: await apiUserId(request) });
    return Response.json({ schedule }, { status: 201 });
  });
}
