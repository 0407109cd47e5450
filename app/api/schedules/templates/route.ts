import { withUser } from "@/lib/http/api-route";
import { SCHEDULE_TEMPLATES } from "@/lib/schedules/templates";

// GET /api/schedules/templates - the templates schedules can start from
export const GET = withUser(async () => Response.json({ templates: SCHEDULE_TEMPLATES }));
