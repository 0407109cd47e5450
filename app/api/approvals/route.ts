import { listPendingApprovals } from "@/lib/approvals/list-pending-approvals";
import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";

// GET /api/approvals - the user's approval requests waiting for a decision, soonest to expire first
export const GET = withUser(async ({ user }) => Response.json({ approvals: await listPendingApprovals(db(), { userId: user.id }) }));
