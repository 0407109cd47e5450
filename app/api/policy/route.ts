import { apiUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { parseOrThrow, readJsonBody, respond } from "@/lib/http/respond";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { getPolicy, policyRuleInput, setPolicyRule } from "@/lib/policy/risk-policy";

// GET /api/policy - the user's risk policy: a decision per risk class, and per-tool rules
export async function GET(request: Request) {
  return respond(async () => Response.json({ policy: await getPolicy(db(), await apiUserId(request)) }));
}

// PUT /api/policy - set (or with decision null, remove) one rule
export async function PUT(request: Request) {
  return respond(async () => {
    assertSameOrigin(request);
    const rule = parseOrThrow(policyRuleInput, await readJsonBody(request));
    const userId = await apiUserId(request);
    await setPolicyRule(db(), { ...rule, userId });
    return Response.json({ policy: await getPolicy(db(), userId) });
  });
}
