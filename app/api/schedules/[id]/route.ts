import { z } from "zod";
import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { deleteSchedule, getSchedule, setScheduleStatus, updateSchedule } from "@/lib/schedules/manage-schedules";
import { updateScheduleInput } from "@/lib/schedules/schemas";

const statusInput = z.object({ status: z.enum(["active", "paused"], { message: "Use active or paused." }) });

// GET /api/schedules/:id - the schedule with its runs (tasks), newest first
export async function GET(request: Request, context: RouteContext<"/api/schedules/[id]">) {
  return respond(async () => {
    const { id } = await context.params;
    return Response.json({ schedule: await getSchedule(db(), { userId: await apiUserId(request), scheduleId: id }) });
  });
}

// PUT /api/schedules/:id - edit { title, prompt, cron, timezone, missedRunPolicy? }
export async function PUT(request: Request, context: RouteContext<"/api/schedules/[id]">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    const input = parseOrThrow(updateScheduleInput, await readJsonBody(request));
    return Response.json({ schedule: await updateSchedule(db(), { ...input, userId: await apiUserId(request), scheduleId: id }) });
  });
}

// PATCH /api/schedules/:id - pause or resume { status: "paused" | "active" }
export async function PATCH(request: Request, context: RouteContext<"/api/schedules/[id]">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    const { status } = parseOrThrow(statusInput, await readJsonBody(request));
    return Response.json({ schedule: await setScheduleStatus(db(), { userId: await apiUserId(request), scheduleId: id, status }) });
  });
}

// DELETE /api/schedules/:id - delete the schedule; the tasks it created stay
export async function DELETE(request: Request, context: RouteContext<"/api/schedules/[id]">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    await deleteSchedule(db(), { userId: await apiUserId(request), scheduleId: id });
    return new Response(null, { status: 204 });
  });
}
