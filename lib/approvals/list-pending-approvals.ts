// What needs the person now: pending, unexpired approval requests across their tasks, with the
// task's title so a list can say what each belongs to. A request past its expiry is no longer
// decidable (decideApproval refuses it), so it is not counted even before the workflow settles it.
import type { Db } from "@/lib/db";
import { toApprovalView, type ApprovalView } from "./views";

export interface PendingApproval extends ApprovalView {
  taskTitle: string;
}

export async function listPendingApprovals(db: Db, params: { userId: string; now?: Date }): Promise<PendingApproval[]> {
  const approvals = await db.approval.findMany({
    where: { userId: params.userId, status: "pending", expiresAt: { gt: params.now ?? new Date() } },
    include: { task: { select: { title: true } } },
    // The one expiring soonest first: it is the one that will be lost if left.
    orderBy: { expiresAt: "asc" },
    take: 100,
  });
  return approvals.map(({ task, ...approval }) => ({ ...toApprovalView(approval), taskTitle: task.title }));
}

export async function countPendingApprovals(db: Db, params: { userId: string; now?: Date }): Promise<number> {
  return db.approval.count({ where: { userId: params.userId, status: "pending", expiresAt: { gt: params.now ?? new Date() } } });
}
