import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { getPolicy, policyRuleInput, setPolicyRule } from "@/lib/policy/risk-policy";

// GET /api/policy - the user's risk policy: a decision per risk class, and per-tool rules
export const GET = withUser(async ({ user }) => Response.json({ policy: await getPolicy(db(), user.id) }));

// PUT /api/policy - set (or with decision null, remove) one rule
export const PUT = withUser(async ({ user, body }) => {
  const rule = await body(policyRuleInput);
  await setPolicyRule(db(), { ...rule, userId: user.id });
  return Response.json({ policy: await getPolicy(db(), user.id) });
});
