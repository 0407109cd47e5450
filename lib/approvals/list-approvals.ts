import type { Db } from "@/lib/db";
import { toApprovalView, type ApprovalView } from "./views";

/** The user's approval requests, newest first; pending ones are what needs them now. */
export async function listApprovals(db: Db, params: { userId: string; status?: "pending" | "approved" | "denied" | "expired"; taskId?: string }): Promise<ApprovalView[]> {
  const approvals = await db.approval.findMany({
    where: { userId: params.userId, ...(params.status ? { status: params.status } : {}), ...(params.taskId ? { taskId: params.taskId } : {}) },
    orderBy: { requestedAt: "desc" },
    take: 100,
  });
  return approvals.map(toApprovalView);
}
