import { z } from "zod";
import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { deleteSchedule, setScheduleStatus } from "@/lib/schedules/manage-schedules";

const statusInput = z.object({ status: z.enum(["active", "paused"], { message: "Use active or paused." }) });

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
