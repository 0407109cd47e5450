// A person decides. The decision is a conditional update (pending and unexpired), so deciding
// twice, after expiry or at the same moment as the expiry sweep cannot both succeed; then the
// workflow is woken through the engine. Only a signed-in person reaches this (or, later, a signed
// single-use push token): nothing the agent reads can call it.
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { AppError, type FieldErrors } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { appendEvent } from "@/lib/tasks/timeline";
import { approvalSignalTopic, type DecisionInput } from "./schemas";
import { toApprovalView, type ApprovalView } from "./views";
import { assertId } from "@/lib/validation/ids";

export interface ArgumentValidator {
  /** Checks edited arguments against the tool's input schema; `target` is what the edited call touches. */
  validate(toolName: string, args: unknown): { ok: true; value: unknown; target: string } | { ok: false; fieldErrors: FieldErrors; message: string };
}

export interface DecideParams extends DecisionInput {
  userId: string;
  approvalId: string;
  /** "web", "api", "push: Pixel 7", … */
  via: string;
}

export async function decideApproval(
  deps: { db: Db; engine: TaskDispatcher; tools: ArgumentValidator },
  params: DecideParams,
): Promise<ApprovalView> {
  const { db, engine } = deps;
  const notFound = new AppError("NOT_FOUND", { message: "No such approval request." });
  assertId(params.approvalId, () => notFound);
  const approval = await db.approval.findFirst({ where: { id: params.approvalId, userId: params.userId } });
  if (!approval) throw notFound;

  let editedArguments: Prisma.InputJsonValue | undefined;
  // An edit can change what the call touches (another URL, another file): from then on the
  // approval's target is the edited call's, so the history and timeline name what ran. The agent's
  // original request stays in `arguments` and in the "approval.requested" event.
  let target = approval.target;
  if (params.arguments !== undefined) {
    if (params.decision !== "approve") throw new AppError("BAD_REQUEST", { message: "Edited arguments only make sense when approving." });
    const checked = deps.tools.validate(approval.toolName, params.arguments);
    if (!checked.ok) throw new AppError("BAD_REQUEST", { message: checked.message, fieldErrors: checked.fieldErrors });
    editedArguments = checked.value as Prisma.InputJsonValue;
    target = checked.target;
  }

  const now = new Date();
  const decided = await db.$transaction(async (tx) => {
    const updated = await tx.approval.updateMany({
      where: { id: approval.id, status: "pending", expiresAt: { gt: now } },
      data: {
        status: params.decision === "approve" ? "approved" : "denied",
        decidedAt: now,
        decidedBy: params.userId,
        decidedVia: params.via,
        decisionNote: params.note ?? null,
        ...(editedArguments !== undefined ? { editedArguments, target } : {}),
      },
    });
    if (updated.count === 0) return null;
    const verb = params.decision === "approve" ? (editedArguments !== undefined ? "Approved with edits" : "Approved") : "Denied";
    const retargeted = target !== approval.target ? ` instead of ${approval.target}` : "";
    await appendEvent(tx, {
      taskId: approval.taskId,
      runId: approval.runId,
      type: "approval.decided",
      actor: "user",
      message: `${verb}: ${approval.toolName} on ${target}${retargeted}${params.note ? ` (“${params.note}”)` : ""}`,
      data: { approvalId: approval.id, decision: params.decision, via: params.via },
    });
    return tx.approval.findUniqueOrThrow({ where: { id: approval.id } });
  });

  if (!decided) {
    const current = await db.approval.findUniqueOrThrow({ where: { id: approval.id } });
    if (current.status === "pending" || current.status === "expired") {
      throw new AppError("CONFLICT", { message: `This request expired at ${current.expiresAt.toISOString()}; the task did not run it.` });
    }
    throw new AppError("CONFLICT", { message: `This request was already ${current.status}.` });
  }

  // The decision is recorded; if the signal is lost the workflow still reads it when its wait ends.
  await engine.signal(approval.runId, approvalSignalTopic(approval.id), { decision: params.decision }, `${approval.id}-decision`).catch((error: unknown) => {
    console.warn(`Approval ${approval.id} decided; the workflow will read it when its wait ends (${String(error)})`);
  });
  return toApprovalView(decided);
}
