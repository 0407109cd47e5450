// The workflow asks for a person's decision: one approval per tool call (a replayed step finds
// the one it made), and the task shows waiting_approval until the decision arrives.
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { transitionTask } from "@/lib/tasks/transition-task";
import { appendEvent } from "@/lib/tasks/timeline";

export interface ApprovalRequest {
  taskId: string;
  runId: string;
  callId: string;
  toolName: string;
  arguments: Prisma.InputJsonValue;
  target: string;
  reason: string;
  risk: string;
  requestedAt: Date;
  expiresAt: Date;
}

export async function requestApproval(db: Db, request: ApprovalRequest): Promise<{ id: string; expiresAt: Date }> {
  return db.$transaction(async (tx) => {
    const existing = await tx.approval.findUnique({ where: { runId_callId: { runId: request.runId, callId: request.callId } } });
    if (existing) return existing;
    const task = await tx.task.findUniqueOrThrow({ where: { id: request.taskId }, select: { userId: true } });
    const approval = await tx.approval.create({ data: { ...request, userId: task.userId } });
    await transitionTask(tx, { taskId: request.taskId, runId: request.runId, to: "waiting_approval", actor: "agent" });
    await appendEvent(tx, {
      taskId: request.taskId,
      runId: request.runId,
      type: "approval.requested",
      actor: "agent",
      message: `Asks to run ${request.toolName} on ${request.target}`,
      data: { approvalId: approval.id, risk: request.risk },
    });
    return approval;
  });
}
