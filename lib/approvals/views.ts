import type { Approval } from "@/lib/generated/prisma/client";
import { isId } from "@/lib/validation/ids";

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
  /** The page as it is, for a browser step waiting here: a screenshot artifact of the same task. */
  screenshotUrl: string | null;
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
    screenshotUrl: screenshotUrlOf(approval),
  };
}

// The artifact route serves only the task owner's artifacts of this task, so an id put here by
// anyone other than Baton's browser runtime can at most show the person their own file.
function screenshotUrlOf(approval: Approval): string | null {
  const args = approval.arguments;
  const id = args && typeof args === "object" && !Array.isArray(args) ? (args as Record<string, unknown>).screenshotArtifactId : undefined;
  return typeof id === "string" && isId(id) ? `/api/tasks/${approval.taskId}/artifacts/${id}` : null;
}
