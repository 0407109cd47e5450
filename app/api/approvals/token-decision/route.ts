import { z } from "zod";
import { decideWithToken } from "@/lib/approvals/approval-tokens";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { withoutUser } from "@/lib/http/api-route";
import { clientIp } from "@/lib/http/client-ip";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";

const tokenDecisionInput = z.object({ token: z.string().min(10).max(1024) });

// POST /api/approvals/token-decision - Approve / Deny from a notification's button. The signed,
// single-use token is the authority (the service worker may have no session at hand).
export const POST = withoutUser(async ({ request, body }) => {
  const { token } = await body(tokenDecisionInput);
  const { authSecret } = await instanceSecrets(db());
  const approval = await decideWithToken(
    { db: db(), engine: taskDispatcher(), tools: builtinArgumentValidator, authSecret },
    token,
    { ip: clientIp(request.headers) },
  );
  return Response.json({ approval: { id: approval.id, status: approval.status } });
});
