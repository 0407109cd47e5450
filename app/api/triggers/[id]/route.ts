import { db } from "@/lib/db";
import { withUser } from "@/lib/http/api-route";
import { deleteTrigger, getTrigger, setTriggerPaused, updateTrigger } from "@/lib/triggers/manage-triggers";
import { pauseTriggerInput, triggerInput } from "@/lib/triggers/schemas";

type Params = { id: string };

// GET /api/triggers/:id - the trigger with its events and their tasks, newest first
export const GET = withUser<Params>(async ({ user, params }) => Response.json({ trigger: await getTrigger(db(), { userId: user.id, triggerId: params.id }) }));

// PUT /api/triggers/:id - edit (the same fields as create; the kind cannot change)
export const PUT = withUser<Params>(async ({ user, params, body }) => {
  const input = await body(triggerInput);
  return Response.json({ trigger: await updateTrigger(db(), { ...input, userId: user.id, triggerId: params.id }) });
});

// PATCH /api/triggers/:id - pause or resume { paused: true | false }
export const PATCH = withUser<Params>(async ({ user, params, body }) => {
  const { paused } = await body(pauseTriggerInput);
  return Response.json({ trigger: await setTriggerPaused(db(), { userId: user.id, triggerId: params.id, paused }) });
});

// DELETE /api/triggers/:id - delete the trigger and its secret; the tasks it started stay
export const DELETE = withUser<Params>(async ({ user, params }) => {
  await deleteTrigger(db(), { userId: user.id, triggerId: params.id });
  return new Response(null, { status: 204 });
});
