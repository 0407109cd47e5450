import { decideApproval } from "@/lib/approvals/decide-approval";
import { decisionInput } from "@/lib/approvals/schemas";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withUser } from "@/lib/http/api-route";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";

// POST /api/approvals/:id/decision - approve (optionally with edited arguments) or deny
export const POST = withUser<{ id: string }>(async ({ user, params, body }) => {
  const input = await body(decisionInput);
  const approval = await decideApproval(
    { db: db(), engine: taskDispatcher(), tools: builtinArgumentValidator },
    { ...input, userId: user.id, approvalId: params.id, via: "api" },
  );
  return Response.json({ approval });
});
