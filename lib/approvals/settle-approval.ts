// The workflow's side of an approval: read the decision, or expire the request when its time is
// up. Expiring is conditional too, so a decision that lands at the same moment wins or loses
// cleanly and the workflow acts on whichever was recorded.
import type { Db } from "@/lib/db";
import type { Approval } from "@/lib/generated/prisma/client";
import { appendEvent } from "@/lib/tasks/timeline";

export type Settled = Pick<Approval, "id" | "status" | "decisionNote" | "editedArguments" | "arguments">;

export async function readApproval(db: Db, approvalId: string): Promise<Settled> {
  return db.approval.findUniqueOrThrow({
    where: { id: approvalId },
    select: { id: true, status: true, decisionNote: true, editedArguments: true, arguments: true },
  });
}

export async function expireApproval(db: Db, approvalId: string): Promise<Settled> {
  await db.$transaction(async (tx) => {
    const updated = await tx.approval.updateMany({ where: { id: approvalId, status: "pending" }, data: { status: "expired" } });
    if (updated.count === 0) return;
    const approval = await tx.approval.findUniqueOrThrow({ where: { id: approvalId } });
    await appendEvent(tx, {
      taskId: approval.taskId,
      runId: approval.runId,
      type: "approval.expired",
      actor: "system",
      message: `Nobody answered in time: ${approval.toolName} on ${approval.target} was not run`,
      data: { approvalId },
    });
  });
  return readApproval(db, approvalId);
}
