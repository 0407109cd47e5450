import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { createTrigger, listTriggers } from "@/lib/triggers/manage-triggers";
import { triggerInput } from "@/lib/triggers/schemas";

// GET /api/triggers - the user's triggers with their last events
export const GET = withUser(async ({ user }) => Response.json({ triggers: await listTriggers(db(), { userId: user.id }) }));

// POST /api/triggers - create { kind: "webhook" | "feed", name, prompt, ... }; a webhook's secret is in this answer only
export const POST = withUser(async ({ user, body }) => {
  const input = await body(triggerInput);
  const { trigger, secret } = await createTrigger(db(), { ...input, userId: user.id });
  return Response.json({ trigger, ...(secret ? { secret } : {}) }, { status: 201, headers: { location: `/api/triggers/${trigger.id}` } });
});
