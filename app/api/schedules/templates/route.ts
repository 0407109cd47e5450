import { apiUserId } from "@/lib/auth/current-user";
import { respond } from "@/lib/http/respond";
import { SCHEDULE_TEMPLATES } from "@/lib/schedules/templates";

// GET /api/schedules/templates - the templates schedules can start from
export async function GET(request: Request) {
  return respond(async () => {
    await apiUserId(request);
    return Response.json({ templates: SCHEDULE_TEMPLATES });
  });
}
