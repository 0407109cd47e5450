import type { Approval } from "@/lib/generated/prisma/client";

export interface ApprovalView {
  id: string;
  taskId: string;
  toolName: string;
  arguments: unknown;
  editedArguments: unknown;
  target: string;
  reason: string;
  risk: string;
  status: Approval["status"];
  requestedAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedVia: string | null;
  decisionNote: string | null;
}

export function toApprovalView(approval: Approval): ApprovalView {
  return {
    id: approval.id,
    taskId: approval.taskId,
    toolName: approval.toolName,
    arguments: approval.arguments,
    editedArguments: approval.editedArguments,
    target: approval.target,
    reason: approval.reason,
    risk: approval.risk,
    status: approval.status,
    requestedAt: approval.requestedAt.toISOString(),
    expiresAt: approval.expiresAt.toISOString(),
    decidedAt: approval.decidedAt?.toISOString() ?? null,
    decidedVia: approval.decidedVia,
    decisionNote: approval.decisionNote,
  };
}
