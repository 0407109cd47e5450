import { z } from "zod";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, respond } from "@/lib/http/respond";

const query = z.object({ status: z.enum(["pending", "approved", "denied", "expired"]).optional() });

// GET /api/approvals?status=pending - the user's approval requests, newest first
export async function GET(request: Request) {
  return respond(async () => {
    const { status } = parseOrThrow(query, Object.fromEntries(new URL(request.url).searchParams));
    return Response.json({ approvals: await listApprovals(db(), { userId: await currentUserId(), status }) });
  });
}
