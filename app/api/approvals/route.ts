import { listPendingApprovals } from "@/lib/approvals/list-pending-approvals";
import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { respond } from "@/lib/http/respond";

// GET /api/approvals - the user's approval requests waiting for a decision, soonest to expire first
export async function GET(request: Request) {
  return respond(async () => Response.json({ approvals: await listPendingApprovals(db(), { userId: await apiUserId(request) }) }));
}
