import { decideApproval } from "@/lib/approvals/decide-approval";
import { decisionInput } from "@/lib/approvals/schemas";
import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";

// POST /api/approvals/:id/decision - approve (optionally with edited arguments) or deny
export async function POST(request: Request, context: RouteContext<"/api/approvals/[id]/decision">) {
  return respond(async () => {
    assertSameOrigin(request);
    const { id } = await context.params;
    const input = parseOrThrow(decisionInput, await readJsonBody(request));
    const approval = await decideApproval(
      { db: db(), engine: taskDispatcher(), tools: builtinArgumentValidator },
      { ...input, userId: await apiUserId(request), approvalId: id, via: "api" },
    );
    return Response.json({ approval });
  });
}
